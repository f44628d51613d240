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
    assertThat(ImageFormat.parse("i420")).isEqualTo(ImageFormat.I420);
    assertThat(ImageFormat.of(ImageFormat.JPEG.toProto())).isEqualTo(ImageFormat.JPEG);
    assertThat(ImageFormat.of(ImageEncoding.IMAGE_ENCODING_I420)).isEqualTo(ImageFormat.I420);
    assertThat(ImageFormat.supported(ImageEncoding.IMAGE_ENCODING_UNSPECIFIED)).isEmpty();
    assertThatThrownBy(() -> ImageFormat.parse("png")).hasMessageContaining("'png' is not an image encoding; use one of jpeg, raw, i420");
  }

  /** BT.601's limited-range luma of a BGR pixel, from its definition (not from OpenCV). */
  private static double luma(int b, int g, int r) {
    return 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255;
  }

  @Test
  void i420FramesAreTheLumaPlaneThenTheHalfSizeColourPlanesOfTheCroppedPicture() {
    // a 4:3 source cropped to the square centre, as the raw test above
    ResizePlan plan = ResizePlan.of(ResizeMode.CROP, 640, 480, 128, 128);
    try (Mat image = scaled(plan.scaledWidth(), plan.scaledHeight()); FrameEncoder encoder = new FrameEncoder(plan, ImageFormat.I420, 85)) {
      byte[] i420 = encoder.encode(image);
      assertThat(i420).as("half of BGR24's bytes").hasSize(128 * 128 * 3 / 2);
      byte[] all = bytesOf(image);
      int rowBytes = plan.scaledWidth() * 3;
      for (int row = 0; row < 128; row++) {
        for (int x = 0; x < 128; x++) {
          int p = (plan.crop().y() + row) * rowBytes + (plan.crop().x() + x) * 3;
          assertThat((double) (i420[row * 128 + x] & 0xFF)).as("luma at %d,%d", x, row)
              .isCloseTo(luma(all[p] & 0xFF, all[p + 1] & 0xFF, all[p + 2] & 0xFF), org.assertj.core.data.Offset.offset(1.0));
        }
      }
      Frame frame = encoder.describe(Frame.newBuilder().setCameraId("cam")).setImage(ByteString.copyFrom(i420)).build();
      assertThat(frame.getEncoding()).isEqualTo(ImageEncoding.IMAGE_ENCODING_I420);
      assertThat(ClipPreprocessor.holdsItsPixels(frame)).isTrue();
    }
  }

  @Test
  void anI420FrameOfOneColourHasItsBt601ColourPlanesAndDecodesBackToThatColour() {
    ResizePlan plan = ResizePlan.of(ResizeMode.STRETCH, 8, 4, 8, 4);
    try (Mat red = new Mat(4, 8, CV_8UC3, new org.bytedeco.opencv.opencv_core.Scalar(0, 0, 255, 0));
        FrameEncoder encoder = new FrameEncoder(plan, ImageFormat.I420, 85)) {
      byte[] i420 = encoder.encode(red);
      assertThat(i420).hasSize(8 * 4 + 2 * 4 * 2);
      // U = 128 + (-37.797 R - 74.203 G + 112 B) / 255 and V = 128 + (112 R - 93.786 G - 18.214 B) / 255
      for (int i = 0; i < 8; i++) {
        assertThat(i420[32 + i] & 0xFF).as("U plane, sample %d", i).isBetween(89, 91);
        assertThat(i420[40 + i] & 0xFF).as("V plane, sample %d", i).isBetween(239, 241);
      }
      assertThat(i420[0] & 0xFF).as("luma").isBetween(81, 82);
      Frame frame = encoder.describe(Frame.newBuilder().setCameraId("cam")).setImage(ByteString.copyFrom(i420)).build();
      try (Mat decoded = ClipPreprocessor.decode(frame)) {
        assertThat(decoded.cols()).isEqualTo(8);
        assertThat(decoded.rows()).isEqualTo(4);
        byte[] bgr = bytesOf(decoded);
        for (int p = 0; p < bgr.length; p += 3) {
          assertThat(bgr[p] & 0xFF).as("blue").isLessThanOrEqualTo(3);
          assertThat(bgr[p + 1] & 0xFF).as("green").isLessThanOrEqualTo(3);
          assertThat(bgr[p + 2] & 0xFF).as("red").isGreaterThanOrEqualTo(252);
        }
      }
    }
  }

  @Test
  void i420NeedsAnEvenFrameSizeAndItsExactByteCount() {
    assertThatThrownBy(() -> new FrameEncoder(ResizePlan.of(ResizeMode.STRETCH, 64, 64, 31, 32), ImageFormat.I420, 85))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("even width and height").hasMessageContaining("31x32");
    Frame frame = Frame.newBuilder().setWidth(4).setHeight(2).setEncoding(ImageEncoding.IMAGE_ENCODING_I420)
        .setImage(ByteString.copyFrom(new byte[12])).build();
    assertThat(ClipPreprocessor.decode(frame)).as("4x2 I420 is 12 bytes").isNotNull();
    assertThat(ClipPreprocessor.decode(frame.toBuilder().setImage(ByteString.copyFrom(new byte[11])).build())).isNull();
    assertThat(ClipPreprocessor.decode(frame.toBuilder().setImage(ByteString.copyFrom(new byte[24])).build()))
        .as("BGR24's byte count is not I420's").isNull();
    assertThat(ClipPreprocessor.decode(frame.toBuilder().setWidth(3).setImage(ByteString.copyFrom(new byte[9])).build()))
        .as("an odd width has no I420 layout").isNull();
  }
}
