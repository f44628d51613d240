package io.actionstream.viewer.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.ImageEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FrameViewTest {

  @Test
  void aRawFrameReachesThePageAsAJpegOfItsPixels() throws Exception {
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
    Frame frame = Frame.newBuilder().setCameraId("cam").setWidth(width).setHeight(height)
        .setEncoding(ImageEncoding.IMAGE_ENCODING_BGR24).setImage(ByteString.copyFrom(bgr)).build();

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
  void rawBytesOfTheWrongSizeGiveNoImage() {
    Frame frame = Frame.newBuilder().setCameraId("cam").setWidth(4).setHeight(4)
        .setEncoding(ImageEncoding.IMAGE_ENCODING_BGR24).setImage(ByteString.copyFrom(new byte[5])).build();

    assertThat(FrameView.of(frame).jpeg()).isEmpty();
  }
}
