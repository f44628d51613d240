package io.actionstream.training.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.TestSpecs;
import io.actionstream.model.clip.FrameGeometry;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalizationTest {

  /**
   * An 8-frame clip at 32x32 whose actor stands at x 8-15, y 8-23 (in source coordinates of a
   * 32x32 source shown whole: x 0.25-0.5, y 0.25-0.75); maps are 2x4x4.
   */
  private static final float[][] BOXES = new float[8][];
  private static final ModelSpec SPEC = TestSpecs.spec(8, 32, 32, ModelContract.STRETCH, 0, 2, 4, 4, 0.45f, 0.225f);
  private static final FrameGeometry WHOLE = new FrameGeometry(1 / 32.0, 0, 1 / 32.0, 0);

  static {
    for (int t = 0; t < 8; t++) {
      BOXES[t] = new float[] {0.25f, 0.25f, 0.25f, 0.5f};
    }
  }

  @Test
  void aMapOnTheActorScoresHighAndOneElsewhereScoresZero() {
    float[] onActor = new float[32];
    float[] elsewhere = new float[32];
    for (int s = 0; s < 2; s++) {
      // cells (x=1, y=1) and (x=1, y=2) cover x 8-15, y 8-23
      onActor[s * 16 + 4 + 1] = 0.25f;
      onActor[s * 16 + 8 + 1] = 0.25f;
      elsewhere[s * 16 + 3] = 0.5f;
    }
    Localization good = Localization.of(List.of(result(onActor)), SPEC);
    Localization bad = Localization.of(List.of(result(elsewhere)), SPEC);

    assertThat(good.clips()).isEqualTo(1);
    assertThat(good.meanIou()).as("the event's box is exactly the actor's").isEqualTo(1.0);
    assertThat(Localization.boxesOf(result(onActor), SPEC).get(0).getMass()).isEqualTo(1f);
    assertThat(good.pointingGame()).isEqualTo(1.0);
    assertThat(good.meanIou()).isGreaterThan(0.5);
    assertThat(bad.pointingGame()).isZero();
    assertThat(bad.meanIou()).isZero();
  }

  @Test
  void iouOfKnownBoxes() {
    assertThat(Localization.iou(new float[] {0, 0, 10, 10}, new float[] {0, 0, 10, 10})).isEqualTo(1.0);
    assertThat(Localization.iou(new float[] {0, 0, 10, 10}, new float[] {5, 0, 10, 10})).isEqualTo(50.0 / 150.0);
    assertThat(Localization.iou(new float[] {0, 0, 10, 10}, new float[] {20, 20, 5, 5})).isZero();
  }

  @Test
  void reversalConsistencyCountsPredictionsThatFlipToThePartner() {
    // classes 0 and 1 are partners, 2 has none
    java.util.function.IntUnaryOperator partner = c -> c == 0 ? 1 : c == 1 ? 0 : -1;
    List<ClipResult> results = List.of(
        new ClipResult(0, 0, null, null, null, null, 1),  // consistent
        new ClipResult(1, 1, null, null, null, null, 1),  // did not flip
        new ClipResult(2, 2, null, null, null, null, 2)); // no partner: not counted
    ReversalConsistency r = ReversalConsistency.of(results, partner);
    assertThat(r.clips()).isEqualTo(2);
    assertThat(r.rate()).isEqualTo(0.5);
  }

  private static ClipResult result(float[] map) {
    return new ClipResult(0, 0, new float[] {1}, map, BOXES, WHOLE, -1);
  }
}
