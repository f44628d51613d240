package io.actionstream.viewer.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import com.google.protobuf.ByteString;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.ImageEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import javax.imageio.ImageIO;
import io.actionstream.model.frame.FrameEncoder;
import io.actionstream.model.frame.ImageFormat;
import io.actionstream.model.frame.ResizeMode;
import io.actionstream.model.frame.ResizePlan;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameViewTest {

  @ParameterizedTest(name = "{0} frames")
  @ValueSource(strings = {"raw", "i420"})
  void anUncompressedFrameReachesThePageAsAJpegOfItsPixels(String encoding) throws Exception {
    // left half blue, right half red, as BGR bytes
    int width = 32;
    int height = 16;
    byte[] bgr = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = (y * width + x) * 3;
        bgr[p + (x < width / 2 ? 0 : 2)] = (byte) 255;
      }
    }
    ImageFormat format = ImageFormat.parse(encoding);
    byte[] pixels;
    try (Mat picture = new Mat(height, width, CV_8UC3);
        FrameEncoder encoder = new FrameEncoder(ResizePlan.of(ResizeMode.STRETCH, width, height, width, height), format, 85)) {
      picture.data().put(bgr);
      pixels = encoder.encode(picture);
    }
    Frame frame = Frame.newBuilder().setCameraId("cam").setWidth(width).setHeight(height)
        .setEncoding(format.toProto()).setImage(ByteString.copyFrom(pixels)).build();

    FrameView view = FrameView.of(frame);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(view.jpeg())));

    assertThat(image).as("a JPEG the browser can draw").isNotNull();
    assertThat(image.getWidth()).isEqualTo(width);
    assertThat(image.getHeight()).isEqualTo(height);
    int left = image.getRGB(4, 8);
    int right = image.getRGB(28, 8);
    assertThat(left & 0xFF).as("blue on the left").isGreaterThan(200);
    assertThat(left >> 16 & 0xFF).isLessThan(60);
    assertThat(right >> 16 & 0xFF).as("red on the right").isGreaterThan(200);
    assertThat(right & 0xFF).isLessThan(60);
  }

  @Test
  void uncompressedBytesOfTheWrongSizeGiveNoImage() {
    Frame frame = Frame.newBuilder().setCameraId("cam").setWidth(4).setHeight(4)
        .setEncoding(ImageEncoding.IMAGE_ENCODING_BGR24).setImage(ByteString.copyFrom(new byte[5])).build();

    assertThat(FrameView.of(frame).jpeg()).isEmpty();
    assertThat(FrameView.of(frame.toBuilder().setEncoding(ImageEncoding.IMAGE_ENCODING_I420).setImage(ByteString.copyFrom(new byte[4 * 4 * 3]))
        .build()).jpeg()).as("BGR24's byte count for an I420 frame").isEmpty();
  }
}
