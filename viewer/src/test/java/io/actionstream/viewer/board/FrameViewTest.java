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

    assertThePageShowsBlueLeftAndRedRight(frame);
  }

  @Test
  void anI420FrameReachesThePageAsAJpegOfItsColours() throws Exception {
    // left half blue, right half red, as BT.601 limited-range planes: blue is Y 41, U 240, V 110;
    // red is Y 82, U 90, V 240 (what OpenCV's BGR2YUV_I420 gives, as the ingest sends them)
    int width = 32;
    int height = 16;
    byte[] planes = new byte[width * height * 3 / 2];
    int chromaWidth = width / 2;
    int chromaSize = chromaWidth * height / 2;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        boolean blue = x < width / 2;
        planes[y * width + x] = (byte) (blue ? 41 : 82);
        int chroma = (y / 2) * chromaWidth + x / 2;
        planes[width * height + chroma] = (byte) (blue ? 240 : 90);
        planes[width * height + chromaSize + chroma] = (byte) (blue ? 110 : 240);
      }
    }
    Frame frame = Frame.newBuilder().setCameraId("cam").setWidth(width).setHeight(height)
        .setEncoding(ImageEncoding.IMAGE_ENCODING_I420).setImage(ByteString.copyFrom(planes)).build();

    assertThePageShowsBlueLeftAndRedRight(frame);
  }

  /** The 32x16 frame reaches the page as a JPEG, blue in its left half and red in its right. */
  private static void assertThePageShowsBlueLeftAndRedRight(Frame frame) throws Exception {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(FrameView.of(frame).jpeg())));

    assertThat(image).as("a JPEG the browser can draw").isNotNull();
    assertThat(image.getWidth()).isEqualTo(32);
    assertThat(image.getHeight()).isEqualTo(16);
    int left = image.getRGB(4, 8);
    int right = image.getRGB(28, 8);
    assertThat(left & 0xFF).as("blue on the left").isGreaterThan(200);
    assertThat(left >> 16 & 0xFF).isLessThan(60);
    assertThat(right >> 16 & 0xFF).as("red on the right").isGreaterThan(200);
    assertThat(right & 0xFF).isLessThan(60);
    assertThat(right >> 8 & 0xFF).as("no green in red").isLessThan(60);
  }

  @Test
  void uncompressedBytesOfTheWrongSizeGiveNoImage() {
    Frame frame = Frame.newBuilder().setCameraId("cam").setWidth(4).setHeight(4)
        .setEncoding(ImageEncoding.IMAGE_ENCODING_BGR24).setImage(ByteString.copyFrom(new byte[5])).build();

    assertThat(FrameView.of(frame).jpeg()).isEmpty();
    assertThat(FrameView.of(frame.toBuilder().setEncoding(ImageEncoding.IMAGE_ENCODING_I420).setImage(ByteString.copyFrom(new byte[4 * 4 * 3]))
        .build()).jpeg()).as("BGR24's byte count for an I420 frame").isEmpty();
    assertThat(FrameView.of(frame.toBuilder().setEncoding(ImageEncoding.IMAGE_ENCODING_I420).setWidth(3).setImage(ByteString.copyFrom(new byte[18]))
        .build()).jpeg()).as("an odd width has no I420 layout").isEmpty();
  }
}
