package io.actionstream.inference.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.inference.TestFrames;
import io.actionstream.inference.batch.ClipInference;
import io.actionstream.inference.batch.ClipTiming;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.attention.AttentionBoxes;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.model.runtime.TinyOnnx;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.Timings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFactoryTest {

  @Test
  void theTimingsSayWhereTheCaptureToEventTimeWent() throws Exception {
    ModelSpec spec;
    try (StudentModel model = StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CPU, "tiny.onnx")) {
      spec = model.spec();
    }
    List<Frame> frames = new ArrayList<>();
    for (int s = 0; s < spec.frames(); s++) {
      frames.add(TestFrames.frame("door", "s1", 0, s));
    }
    long captured = frames.get(frames.size() - 1).getCaptureTimeUs();
    float[] probabilities = new float[spec.labels().size()];
    probabilities[0] = 1;
    float[] attention = new float[spec.mapSize()];
    Arrays.fill(attention, 1f / attention.length);
    // handed over 30 ms after the last frame's capture, started 5 ms later, answered after 12 ms
    ClipInference inference = new ClipInference(probabilities, attention, spec, "cpu", 12.0, 1,
        new ClipTiming(captured + 30_000, captured + 35_000, captured + 47_000));

    Timings timings = new EventFactory(1, new AttentionBoxes(0.3, 3, 0.0), false).create(frames, inference, captured + 50_000).getTimings();

    assertThat(timings.getCaptureToEventMs()).isEqualTo(50f);
    assertThat(timings.getCaptureToClipMs()).isEqualTo(30f);
    assertThat(timings.getNetworkWaitMs()).isEqualTo(5f);
    assertThat(timings.getInferenceMs()).isEqualTo(12f);
    assertThat(timings.getAnswerToEventMs()).isEqualTo(3f);
  }
}
