package io.actionstream.training.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.training.flow.FlowField;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ClipSamplerTest {

  /** A 3-frame 4x4 video whose red channel at (x, y) of frame t is 10t + x, with a box per frame. */
  private static DecodedVideo video() {
    ByteBuffer pixels = ByteBuffer.allocate(3 * 4 * 4 * 3);
    for (int t = 0; t < 3; t++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          pixels.put(((t * 4 + y) * 4 + x) * 3, (byte) (10 * t + x));
        }
      }
    }
    BoxTrack boxes = new BoxTrack(new float[][] {{0, 0, 1, 2}, {1, 1, 1, 1}, {2, 0, 1, 4}});
    return new DecodedVideo(3, 4, 8, pixels, boxes);
  }

  private static final ClipSpec SPEC = new ClipSpec(3, 1, 4, new float[] {0, 0, 0}, new float[] {1, 1, 1});

  @Test
  void aMirroredClipShowsTheFrameMirroredAndItsBoxesToo() {
    ClipSampler sampler = new ClipSampler(SPEC);
    float[] out = new float[3 * 3 * 16];
    ClipWindow mirrored = new ClipWindow(0, 0, 0, true, false);
    sampler.rgb(video(), mirrored, out, 0);

    // red channel of frame 1, row 0: x = 0..3 shows source x = 3..0
    assertThat(new float[] {out[16], out[17], out[18], out[19]})
        .containsExactly(13 / 255f, 12 / 255f, 11 / 255f, 10 / 255f);
    assertThat(sampler.boxes(video(), mirrored)[0]).containsExactly(3, 0, 1, 2);
  }

  @Test
  void aBackwardsClipPlaysTheFramesInReverse() {
    ClipSampler sampler = new ClipSampler(SPEC);
    ClipWindow backwards = new ClipWindow(0, 0, 0, false, true);
    float[] out = new float[3 * 3 * 16];
    sampler.rgb(video(), backwards, out, 0);

    assertThat(out[0] * 255).isCloseTo(20f, org.assertj.core.data.Offset.offset(1e-3f));
    assertThat(out[32] * 255).isCloseTo(0f, org.assertj.core.data.Offset.offset(1e-3f));
    assertThat(sampler.boxes(video(), backwards)[0]).containsExactly(2, 0, 1, 4);
  }

  @Test
  void mirroredFlowPointsTheOtherWay() {
    ByteBuffer values = ByteBuffer.allocate(2 * 4 * 4 * 2);
    for (int i = 0; i < values.capacity(); i += 2) {
      values.put(i, (byte) 127); // dx = +bound everywhere
      values.put(i + 1, (byte) -64);
    }
    FlowField field = new FlowField(2, 4, 8f, values);
    ClipSampler sampler = new ClipSampler(SPEC);
    float[] plain = new float[2 * 3 * 16];
    float[] mirrored = new float[2 * 3 * 16];
    sampler.flow(field, new ClipWindow(0, 0, 0, false, false), 3, plain, 0);
    sampler.flow(field, new ClipWindow(0, 0, 0, true, false), 3, mirrored, 0);

    assertThat(plain[0]).isEqualTo(1f);
    assertThat(mirrored[0]).isEqualTo(-1f);
    assertThat(mirrored[48]).isEqualTo(plain[48]).isEqualTo(-64 / 127f);
  }

  @Test
  void trainingWindowsStayInsideTheVideoAndEvaluationWindowsAreCentred() {
    ClipSampler sampler = new ClipSampler(ClipSpec.of(8, 2, 32));
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < 200; i++) {
      ClipWindow w = sampler.randomWindow(24, 40, random);
      assertThat(w.start() + 14).isLessThan(24);
      assertThat(w.cropX()).isBetween(0, 8);
      assertThat(w.cropY()).isBetween(0, 8);
    }
    assertThat(sampler.centreWindow(24, 40)).isEqualTo(new ClipWindow(4, 4, 4, false, false));
  }
}
