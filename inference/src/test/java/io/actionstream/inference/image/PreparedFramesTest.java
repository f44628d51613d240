package io.actionstream.inference.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.actionstream.inference.topology.DecodedFrame;
import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.TestSpecs;
import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.ImageEncoding;
import java.nio.ByteBuffer;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class PreparedFramesTest {

  private final ModelSpec crop = TestSpecs.spec(2, 16, 16, ModelContract.SHORT_SIDE_CENTRE_CROP, 24, 1, 2, 2, 0.45f, 0.225f);

  @Test
  void preparedPixelsAreOnlyReusedForTheSameModelInput() {
    PreparedFrames frames = new PreparedFrames();
    FramePixels pixels = new FramePixels.Prepared(new byte[16 * 16 * 3]);
    Frame frame = Frame.newBuilder().setCameraId("cam").setSequenceNumber(1).build();
    frames.put("f1", crop, frame, pixels);
    assertThat(frames.get("f1", crop)).isSameAs(pixels);
    assertThat(frames.frame("f1")).as("the message waits with its pixels").isSameAs(frame);
    assertThat(frames.get("f1", TestSpecs.spec(2, 16, 16, ModelContract.STRETCH, 0, 1, 2, 2, 0.45f, 0.225f))).as("another resize").isNull();
    assertThat(frames.get("f2", crop)).isNull();
    frames.remove("f1");
    assertThat(frames.get("f1", crop)).isNull();
    assertThat(frames.frame("f1")).isNull();
    assertThat(frames.size()).isZero();
  }

  @Test
  void aRawFrameAtTheModelsResizeIsCroppedFromItsBytesIntoTheBatchWithNothingPreparedBefore() {
    // a 32x24 raw frame: short side 24 is the model's resize, so its 16x16 centre comes from its bytes
    byte[] bgr = new byte[32 * 24 * 3];
    for (int i = 0; i < bgr.length; i++) {
      bgr[i] = (byte) (i * 13 + i / 96);
    }
    Frame raw = Frame.newBuilder().setCameraId("cam").setSequenceNumber(1).setEncoding(ImageEncoding.IMAGE_ENCODING_BGR24)
        .setWidth(32).setHeight(24).setImage(ByteString.copyFrom(bgr)).build();
    try (PreparedFrames frames = new PreparedFrames(); ClipPreprocessor preprocessor = new ClipPreprocessor();
        Mat image = ClipPreprocessor.decode(raw)) {
      frames.arrived("f1", new DecodedFrame(raw, null), crop);

      assertThat(frames.get("f1", crop)).isInstanceOf(FramePixels.RawCrop.class);
      List<FramePixels> clip = frames.pixels(List.of("f1"), List.of(raw), crop);
      ByteBuffer batch = ByteBuffer.allocateDirect(3 + 16 * 16 * 3);
      clip.get(0).copyTo(batch, 3, preprocessor);
      byte[] copied = new byte[16 * 16 * 3];
      batch.get(3, copied);
      assertThat(copied).as("the bytes OpenCV's path prepares").isEqualTo(preprocessor.prepare(image, raw, crop));
      assertThat(batch.get(0)).as("nothing before the offset").isZero();
    }
  }

  @Test
  void anI420FrameAtTheModelsResizeWaitsInItsOwnBytesAndIsConvertedIntoTheBatch() {
    // a 32x24 I420 frame: its 16x16 centre is converted and cut into the batch when the clip runs
    byte[] planes = new byte[32 * 24 * 3 / 2];
    for (int i = 0; i < planes.length; i++) {
      planes[i] = (byte) (30 + (i * 13 + i / 32) % 190);
    }
    Frame i420 = Frame.newBuilder().setCameraId("cam").setSequenceNumber(1).setEncoding(ImageEncoding.IMAGE_ENCODING_I420)
        .setWidth(32).setHeight(24).setImage(ByteString.copyFrom(planes)).build();
    try (PreparedFrames frames = new PreparedFrames(); ClipPreprocessor preprocessor = new ClipPreprocessor();
        Mat image = ClipPreprocessor.decode(i420)) {
      frames.arrived("f1", new DecodedFrame(i420, null), crop);

      assertThat(frames.get("f1", crop)).as("no prepared copy waits with it").isInstanceOf(FramePixels.RawCrop.class);
      ByteBuffer batch = ByteBuffer.allocateDirect(3 + 16 * 16 * 3);
      frames.pixels(List.of("f1"), List.of(i420), crop).get(0).copyTo(batch, 3, preprocessor);
      byte[] copied = new byte[16 * 16 * 3];
      batch.get(3, copied);
      byte[] decodedCentre = preprocessor.prepare(image, i420, crop);
      assertThat(copied).as("the centre of the frame as the model contract decodes it").isEqualTo(decodedCentre);
      assertThat(copied).as("a picture, not zeros").isNotEqualTo(new byte[copied.length]);
    }
  }
}
