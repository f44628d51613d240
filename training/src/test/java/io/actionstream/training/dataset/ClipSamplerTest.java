package io.actionstream.training.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.TestSpecs;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.Region;
import io.actionstream.training.flow.FlowField;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ClipSamplerTest {

  private static final int S = 8;
  private static final int PLANE = S * S;

  /** A 3-frame 8x8 video (BGR) whose red channel at (x, y) of frame t is 10t + x, with a box per frame. */
  private static DecodedVideo video() {
    ByteBuffer pixels = ByteBuffer.allocate(3 * PLANE * 3);
    for (int t = 0; t < 3; t++) {
      for (int y = 0; y < S; y++) {
        for (int x = 0; x < S; x++) {
          pixels.put(((t * S + y) * S + x) * 3 + 2, (byte) (10 * t + x));
        }
      }
    }
    BoxTrack boxes = new BoxTrack(new float[][] {{0, 0, 0.1f, 0.2f}, {0.1f, 0.1f, 0.1f, 0.1f}, {0.2f, 0, 0.1f, 0.4f}});
    Frame geometry = Frame.newBuilder().setWidth(S).setHeight(S).setSourceWidth(S).setSourceHeight(S)
        .setImageRegion(Region.newBuilder().setWidth(S).setHeight(S)).build();
    return new DecodedVideo(3, S, S, 8, pixels, geometry, boxes);
  }

  private static final ModelSpec MODEL = TestSpecs.spec(3, S, S, ModelContract.STRETCH, 0, 1, 1, 1, 0, 1);
  private static final ClipSpec SPEC = new ClipSpec(MODEL, 1);

  @Test
  void aMirroredClipShowsTheFrameMirroredAsNormalizedRgb() {
    ClipSampler sampler = new ClipSampler(SPEC);
    float[] out = new float[3 * 3 * PLANE];
    ClipWindow mirrored = new ClipWindow(0, 0, 0, true, false);
    sampler.rgb(video(), mirrored, out, 0);

    // red plane of frame 1, row 0: x = 0..7 shows source x = 7..0
    for (int x = 0; x < S; x++) {
      assertThat(out[PLANE + x]).as("x %d", x).isCloseTo((17 - x) / 255f, within(1e-6f));
      assertThat(out[3 * PLANE + PLANE + x]).as("green stays 0").isZero();
    }
  }

  @Test
  void aBackwardsClipPlaysTheFramesInReverseAndItsBoxesToo() {
    ClipSampler sampler = new ClipSampler(SPEC);
    ClipWindow backwards = new ClipWindow(0, 0, 0, false, true);
    float[] out = new float[3 * 3 * PLANE];
    sampler.rgb(video(), backwards, out, 0);

    assertThat(out[0] * 255).isCloseTo(20f, within(1e-3f));
    assertThat(out[2 * PLANE] * 255).isCloseTo(0f, within(1e-3f));
    assertThat(sampler.boxes(video(), backwards)[0]).containsExactly(0.2f, 0, 0.1f, 0.4f);
  }

  @Test
  void mirroredFlowPointsTheOtherWay() {
    ByteBuffer values = ByteBuffer.allocate(2 * PLANE * 2);
    for (int i = 0; i < values.capacity(); i += 2) {
      values.put(i, (byte) 127); // dx = +bound everywhere
      values.put(i + 1, (byte) -64);
    }
    FlowField field = new FlowField(2, S, S, 8f, values);
    ClipSampler sampler = new ClipSampler(SPEC);
    float[] plain = new float[2 * 3 * PLANE];
    float[] mirrored = new float[2 * 3 * PLANE];
    sampler.flow(field, new ClipWindow(0, 0, 0, false, false), 3, plain, 0);
    sampler.flow(field, new ClipWindow(0, 0, 0, true, false), 3, mirrored, 0);

    assertThat(plain[0]).isEqualTo(1f);
    assertThat(mirrored[0]).isEqualTo(-1f);
    assertThat(mirrored[3 * PLANE]).isEqualTo(plain[3 * PLANE]).isEqualTo(-64 / 127f);
  }

  @Test
  void trainingWindowsStayInsideTheVideoAndEvaluationWindowsTakeTheServedCentreCrop() {
    // a 320x240 source letterboxed into 224x224 (picture 224x168) and resized to short side 40: 53x40
    ModelSpec model = TestSpecs.spec(8, 32, 32, ModelContract.SHORT_SIDE_CENTRE_CROP, 40, 2, 4, 4, 0.45f, 0.225f);
    ClipSampler sampler = new ClipSampler(new ClipSpec(model, 2));
    Frame geometry = Frame.newBuilder().setWidth(224).setHeight(224).setSourceWidth(320).setSourceHeight(240)
        .setImageRegion(Region.newBuilder().setY(28).setWidth(224).setHeight(168)).build();
    DecodedVideo video = new DecodedVideo(24, 53, 40, 8, ByteBuffer.allocate(24 * 53 * 40 * 3), geometry, null);
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < 200; i++) {
      ClipWindow w = sampler.randomWindow(video, random);
      assertThat(w.start() + 14).isLessThan(24);
      assertThat(w.cropX()).isBetween(0, 21);
      assertThat(w.cropY()).isBetween(0, 8);
    }
    assertThat(sampler.centreWindow(video)).isEqualTo(new ClipWindow(4, 10, 4, false, false));
  }
}
