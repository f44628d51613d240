package io.actionstream.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.TestSpecs;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.ImageEncoding;
import io.actionstream.schemas.v1.Region;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class ClipPreprocessorTest {

  private static final float MEAN = 0.45f;
  private static final float STD = 0.225f;
  private static final float FULL = (1 - MEAN) / STD;
  private static final float NONE = (0 - MEAN) / STD;

  /**
   * A 240x160 frame: 40 rows of black ingest padding on top, then a 240x120 picture of three
   * 80-pixel columns, green, red and blue.
   */
  private final Frame frame = frame();

  @Test
  void theCentreOfThePictureIsWrittenAsNormalizedRgbPlanesAtItsClipPosition() {
    // short side 120 -> 24 gives 48x24; the centre 16x16 is picture x 80-160: the red column
    ModelSpec spec = spec(ModelContract.SHORT_SIDE_CENTRE_CROP, 24);
    int per = spec.clipValues();
    float[] batch = new float[2 * per];
    try (ClipPreprocessor preprocessor = new ClipPreprocessor()) {
      preprocessor.write(frame, spec, batch, per, 1);
    }
    int plane = 2 * 16 * 16;
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        int at = per + 16 * 16 + y * 16 + x; // second clip, frame 1, pixel (x, y)
        assertThat(batch[at]).as("red at %d,%d", x, y).isCloseTo(FULL, within(0.4f));
        assertThat(batch[at + plane]).as("green at %d,%d", x, y).isCloseTo(NONE, within(0.4f));
        assertThat(batch[at + 2 * plane]).as("blue at %d,%d", x, y).isCloseTo(NONE, within(0.4f));
      }
    }
    for (int i = 0; i < per + 16 * 16; i++) {
      assertThat(batch[i]).as("nothing written before frame 1 of the second clip (index %d)", i).isZero();
    }
  }

  @Test
  void stretchingKeepsTheWholePictureAndNoneOfThePadding() {
    ModelSpec spec = spec(ModelContract.STRETCH, 0);
    float[] clip = new float[spec.clipValues()];
    try (ClipPreprocessor preprocessor = new ClipPreprocessor()) {
      preprocessor.write(frame, spec, clip, 0, 0);
    }
    int plane = 2 * 16 * 16;
    for (int y = 0; y < 16; y++) {
      int left = y * 16 + 1;
      int right = y * 16 + 14;
      assertThat(clip[left + plane]).as("green on the left of row %d", y).isCloseTo(FULL, within(0.4f));
      assertThat(clip[right + 2 * plane]).as("blue on the right of row %d", y).isCloseTo(FULL, within(0.4f));
    }
  }

  @Test
  void pixelsPreparedOnArrivalGiveTheSameTensorAsDecodingWithTheClip() {
    ModelSpec spec = spec(ModelContract.SHORT_SIDE_CENTRE_CROP, 24);
    float[] direct = new float[spec.clipValues()];
    float[] prepared = new float[spec.clipValues()];
    try (ClipPreprocessor preprocessor = new ClipPreprocessor(); Mat image = ClipPreprocessor.decode(frame)) {
      preprocessor.write(frame, spec, direct, 0, 1);
      byte[] pixels = preprocessor.prepare(image, frame, spec);
      assertThat(pixels).hasSize(16 * 16 * 3);
      ClipPreprocessor.normalize(pixels, spec, prepared, 0, 1);
    }
    assertThat(prepared).containsExactly(direct);
  }

  @Test
  void aRawFrameAtTheModelsResizeIsCroppedFromItsBytesAsOpenCvWouldCropIt() {
    // a 24x22 BGR24 frame, one padding row at the top and bottom: a 24x20 picture, the short side the
    // model's resize (20), so its crop comes straight from the bytes; every byte says where it is
    byte[] bgr = new byte[24 * 22 * 3];
    for (int i = 0; i < bgr.length; i++) {
      bgr[i] = (byte) (i * 7 + i / 72);
    }
    Frame raw = Frame.newBuilder().setCameraId("cam").setEncoding(ImageEncoding.IMAGE_ENCODING_BGR24).setWidth(24).setHeight(22)
        .setImageRegion(Region.newBuilder().setY(1).setWidth(24).setHeight(20)).setImage(ByteString.copyFrom(bgr)).build();
    ModelSpec atItsSize = spec(ModelContract.SHORT_SIDE_CENTRE_CROP, 20);
    ModelSpec resized = spec(ModelContract.SHORT_SIDE_CENTRE_CROP, 18);
    try (ClipPreprocessor preprocessor = new ClipPreprocessor(); Mat image = ClipPreprocessor.decode(raw)) {
      byte[] fromBytes = preprocessor.prepare(raw, atItsSize);
      assertThat(fromBytes).isEqualTo(openCvPrepared(image, raw, atItsSize));
      // the centre 16x16 of the 24x20 picture: x 4-19, picture y 2-17, frame y 3-18
      assertThat(fromBytes[0]).isEqualTo(bgr[(3 * 24 + 4) * 3]);
      assertThat(fromBytes[fromBytes.length - 1]).isEqualTo(bgr[(18 * 24 + 19) * 3 + 2]);
      // a picture the model resizes goes through OpenCV, and both ways agree there too
      assertThat(preprocessor.prepare(raw, resized)).isEqualTo(preprocessor.prepare(image, raw, resized));
    }
  }

  @Test
  void anI420FrameAtTheModelsResizeIsConvertedIntoTheBatchAsTrainingDecodesIt() {
    // a 24x22 I420 frame with a 24x20 picture at the model's resize (short side 20): serving
    // converts it into the batch in the preprocessor's buffers, training decodes it to a picture
    // and crops that; both must give the same bytes
    byte[] i420 = new byte[24 * 22 * 3 / 2];
    for (int i = 0; i < i420.length; i++) {
      i420[i] = (byte) (40 + (i * 7 + i / 24) % 180);
    }
    Frame frame = Frame.newBuilder().setCameraId("cam").setEncoding(ImageEncoding.IMAGE_ENCODING_I420).setWidth(24).setHeight(22)
        .setImageRegion(Region.newBuilder().setY(1).setWidth(24).setHeight(20)).setImage(ByteString.copyFrom(i420)).build();
    ModelSpec atItsSize = spec(ModelContract.SHORT_SIDE_CENTRE_CROP, 20);
    ModelSpec resized = spec(ModelContract.SHORT_SIDE_CENTRE_CROP, 18);
    assertThat(ClipPreprocessor.croppableFromBytes(frame, atItsSize)).isTrue();
    assertThat(ClipPreprocessor.croppableFromBytes(frame, resized)).isFalse();
    try (ClipPreprocessor preprocessor = new ClipPreprocessor(); Mat image = ClipPreprocessor.decode(frame)) {
      byte[] expected = openCvPrepared(image, frame, atItsSize);
      java.nio.ByteBuffer batch = java.nio.ByteBuffer.allocateDirect(5 + expected.length + 5);
      // twice, so that a conversion buffer reused from the frame before gives the same bytes
      for (int round = 0; round < 2; round++) {
        preprocessor.cropInto(frame, atItsSize, batch, 5);
        byte[] served = new byte[expected.length];
        batch.get(5, served);
        assertThat(served).as("round %d", round).isEqualTo(expected);
      }
      assertThat(batch.get(4)).as("nothing before the offset").isZero();
      assertThat(batch.get(5 + expected.length)).as("nothing after the crop").isZero();
      Picture picture = preprocessor.resize(image, frame, atItsSize);
      assertThat(picture.crop((picture.width() - 16) / 2, (picture.height() - 16) / 2, 16, 16, false)).as("training's picture")
          .isEqualTo(expected);
      // a picture the model resizes goes through OpenCV's resize, the same on both paths
      assertThat(preprocessor.prepare(frame, resized)).isEqualTo(openCvPrepared(image, frame, resized));
    }
  }

  @Test
  void aDecodedPictureAtTheModelsResizeGivesTheBytesOpenCvsResizeGives() {
    // 24x22 JPEG frames whose 24x20 or 20x20 picture is at the model's resize (short side 20): the
    // picture is copied out of the decoded image without a resize, which must change nothing
    ModelSpec atItsSize = spec(ModelContract.SHORT_SIDE_CENTRE_CROP, 20);
    Frame wholeRows = jpegFrame(24, 22, Region.newBuilder().setY(1).setWidth(24).setHeight(20).build());
    Frame inside = jpegFrame(24, 22, Region.newBuilder().setX(3).setY(1).setWidth(20).setHeight(20).build());
    for (Frame jpeg : new Frame[] {wholeRows, inside}) {
      try (ClipPreprocessor preprocessor = new ClipPreprocessor(); Mat image = ClipPreprocessor.decode(jpeg)) {
        byte[] expected = openCvPrepared(image, jpeg, atItsSize);
        assertThat(preprocessor.prepare(image, jpeg, atItsSize)).as("served crop, region %s", jpeg.getImageRegion()).isEqualTo(expected);
        assertThat(preprocessor.prepare(jpeg, atItsSize)).as("decoded with the clip").isEqualTo(expected);
        Picture picture = preprocessor.resize(image, jpeg, atItsSize);
        assertThat(picture.crop((picture.width() - 16) / 2, (picture.height() - 16) / 2, 16, 16, false)).as("training's picture, region %s", jpeg.getImageRegion()).isEqualTo(expected);
      }
    }
  }

  /**
   * What OpenCV gives a frame for {@code spec}, spelled out: the picture part of the decoded image
   * resized with {@code cv::resize} (whatever its size), then its centre cut out.
   */
  private static byte[] openCvPrepared(Mat image, Frame frame, ModelSpec spec) {
    var part = ClipPreprocessor.pictureRegion(frame, image.cols(), image.rows());
    ClipPreprocessor.Crop crop = ClipPreprocessor.crop(spec, part.width(), part.height());
    try (var region = new org.bytedeco.opencv.opencv_core.Rect(part.x(), part.y(), part.width(), part.height());
        Mat picture = new Mat(image, region); Mat resized = new Mat();
        var size = new org.bytedeco.opencv.opencv_core.Size(crop.width(), crop.height())) {
      org.bytedeco.opencv.global.opencv_imgproc.resize(picture, resized, size, 0, 0, ModelContract.AREA.equals(spec.interpolation())
          ? org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA : org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR);
      byte[] bgr = new byte[crop.width() * crop.height() * 3];
      resized.data().get(bgr);
      return new Picture(crop.width(), crop.height(), bgr).crop(crop.x(), crop.y(), spec.width(), spec.height(), false);
    }
  }

  /** A JPEG frame whose every pixel differs from its neighbours, so that a shifted copy shows. */
  private static Frame jpegFrame(int width, int height, Region picture) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, new Color((x * 37 + y * 11) % 256, (x * 5 + y * 41) % 256, (x * y * 3 + 60) % 256).getRGB());
      }
    }
    return jpegFrame(image, 2, picture);
  }

  /** {@code image} as a JPEG frame whose picture is {@code picture}. */
  private static Frame jpegFrame(BufferedImage image, int sequence, Region picture) {
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpg", jpeg);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return Frame.newBuilder().setCameraId("cam").setSequenceNumber(sequence).setEncoding(ImageEncoding.IMAGE_ENCODING_JPEG)
        .setImage(ByteString.copyFrom(jpeg.toByteArray())).setWidth(image.getWidth()).setHeight(image.getHeight())
        .setImageRegion(picture).build();
  }

  private static ModelSpec spec(String resize, int shortSide) {
    return TestSpecs.spec(2, 16, 16, resize, shortSide, 1, 2, 2, MEAN, STD);
  }

  private static Frame frame() {
    BufferedImage image = new BufferedImage(240, 160, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.BLACK);
    g.fillRect(0, 0, 240, 40);
    g.setColor(Color.GREEN);
    g.fillRect(0, 40, 80, 120);
    g.setColor(Color.RED);
    g.fillRect(80, 40, 80, 120);
    g.setColor(Color.BLUE);
    g.fillRect(160, 40, 80, 120);
    g.dispose();
    return jpegFrame(image, 1, Region.newBuilder().setY(40).setWidth(240).setHeight(120).build());
  }
}
