package io.actionstream.inference.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.TestSpecs;
import io.actionstream.schemas.v1.Frame;
import org.junit.jupiter.api.Test;

class PreparedFramesTest {

  @Test
  void preparedPixelsAreOnlyReusedForTheSameModelInput() {
    PreparedFrames frames = new PreparedFrames();
    ModelSpec crop = TestSpecs.spec(2, 16, 16, ModelContract.SHORT_SIDE_CENTRE_CROP, 24, 1, 2, 2, 0.45f, 0.225f);
    byte[] pixels = new byte[16 * 16 * 3];
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
}
