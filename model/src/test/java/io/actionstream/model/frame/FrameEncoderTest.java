package io.actionstream.model.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import com.google.protobuf.ByteString;
import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.ImageEncoding;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class FrameEncoderTest {

  /** A scaled picture whose every byte says where it is, so a wrong row or column shows. */
  private static Mat scaled(int width, int height) {
    Mat image = new Mat(height, width, CV_8UC3);
    byte[] bytes = new byte[width * height * 3];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i % 251 + i / (width * 3));
    }
    image.data().put(bytes);
    return image;
  }

  private static byte[] bytesOf(Mat image) {
    byte[] bytes = new byte[image.cols() * image.rows() * 3];
    image.data().get(bytes);
    return bytes;
  }

  @Test
  void rawFramesAreTheCroppedPixelsAndDecodeToThemExactly() {
    // a 4:3 source cropped to the square centre: the scaled picture is wider than the frame
    ResizePlan plan = ResizePlan.of(ResizeMode.CROP, 640, 480, 128, 128);
    try (Mat image = scaled(plan.scaledWidth(), plan.scaledHeight()); FrameEncoder encoder = new FrameEncoder(plan, ImageFormat.RAW, 85)) {
      byte[] raw = encoder.encode(image);
      assertThat(raw).hasSize(128 * 128 * 3);
      byte[] all = bytesOf(image);
      int rowBytes = plan.scaledWidth() * 3;
      for (int row = 0; row < 128; row++) {
        for (int b = 0; b < 128 * 3; b++) {
          assertThat(raw[row * 128 * 3 + b]).as("row %d byte %d", row, b)
              .isEqualTo(all[(plan.crop().y() + row) * rowBytes + plan.crop().x() * 3 + b]);
        }
      }
      Frame frame = encoder.describe(Frame.newBuilder().setCameraId("cam")).setImage(ByteString.copyFrom(raw)).build();
      assertThat(frame.getEncoding()).isEqualTo(ImageEncoding.IMAGE_ENCODING_BGR24);
      try (Mat decoded = ClipPreprocessor.decode(frame)) {
        assertThat(decoded.cols()).isEqualTo(128);
        assertThat(decoded.rows()).isEqualTo(128);
        assertThat(bytesOf(decoded)).isEqualTo(raw);
      }
    }
  }

  @Test
  void rawFramesKeepTheLetterboxPadding() {
    ResizePlan plan = ResizePlan.of(ResizeMode.FIT, 640, 480, 128, 128);
    try (Mat image = scaled(plan.scaledWidth(), plan.scaledHeight()); FrameEncoder encoder = new FrameEncoder(plan, ImageFormat.RAW, 85)) {
      byte[] raw = encoder.encode(image);
      assertThat(raw).hasSize(128 * 128 * 3);
      PixelRect region = plan.imageRegion();
      assertThat(raw[0]).as("the padding is black").isZero();
      int firstPictureByte = (region.y() * 128 + region.x()) * 3;
      assertThat(raw[firstPictureByte]).isEqualTo(bytesOf(image)[0]);
    }
  }

  @Test
  void jpegFramesSayJpegAndDecodeToTheirSize() {
    ResizePlan plan = ResizePlan.of(ResizeMode.STRETCH, 320, 240, 128, 96);
    try (Mat image = scaled(plan.scaledWidth(), plan.scaledHeight()); FrameEncoder encoder = new FrameEncoder(plan, ImageFormat.JPEG, 85)) {
      byte[] jpeg = encoder.encode(image);
      assertThat(jpeg.length).isLessThan(128 * 96 * 3);
      Frame frame = encoder.describe(Frame.newBuilder().setCameraId("cam")).setImage(ByteString.copyFrom(jpeg)).build();
      assertThat(frame.getEncoding()).isEqualTo(ImageEncoding.IMAGE_ENCODING_JPEG);
      try (Mat decoded = ClipPreprocessor.decode(frame)) {
        assertThat(decoded.cols()).isEqualTo(128);
        assertThat(decoded.rows()).isEqualTo(96);
      }
    }
  }

  @Test
  void rawBytesOfTheWrongSizeDoNotDecode() {
    Frame frame = Frame.newBuilder().setWidth(4).setHeight(2).setEncoding(ImageEncoding.IMAGE_ENCODING_BGR24)
        .setImage(ByteString.copyFrom(new byte[4 * 2 * 3 - 1])).build();
    assertThat(ClipPreprocessor.decode(frame)).isNull();
    assertThat(ClipPreprocessor.decode(frame.toBuilder().setImage(ByteString.copyFrom(new byte[24])).build())).isNotNull();
  }

  @Test
  void theImageFormatIsParsedByItsConfigurationName() {
    assertThat(ImageFormat.parse(" RAW ")).isEqualTo(ImageFormat.RAW);
    assertThat(ImageFormat.of(ImageFormat.JPEG.toProto())).isEqualTo(ImageFormat.JPEG);
    assertThatThrownBy(() -> ImageFormat.parse("png")).hasMessageContaining("'png' is not an image encoding; use one of jpeg, raw");
  }
}
