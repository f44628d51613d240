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
      assertThat(fromBytes).isEqualTo(preprocessor.prepare(image, raw, atItsSize));
      // the centre 16x16 of the 24x20 picture: x 4-19, picture y 2-17, frame y 3-18
      assertThat(fromBytes[0]).isEqualTo(bgr[(3 * 24 + 4) * 3]);
      assertThat(fromBytes[fromBytes.length - 1]).isEqualTo(bgr[(18 * 24 + 19) * 3 + 2]);
      // a picture the model resizes goes through OpenCV, and both ways agree there too
      assertThat(preprocessor.prepare(raw, resized)).isEqualTo(preprocessor.prepare(image, raw, resized));
    }
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
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpg", jpeg);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return Frame.newBuilder().setCameraId("cam").setSequenceNumber(1).setEncoding(ImageEncoding.IMAGE_ENCODING_JPEG)
        .setImage(ByteString.copyFrom(jpeg.toByteArray())).setWidth(240).setHeight(160)
        .setImageRegion(Region.newBuilder().setY(40).setWidth(240).setHeight(120)).build();
  }
}
