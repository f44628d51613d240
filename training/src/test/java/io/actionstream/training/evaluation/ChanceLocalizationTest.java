package io.actionstream.training.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.TestSpecs;
import io.actionstream.model.clip.FrameGeometry;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChanceLocalizationTest {

  /** A 32x32 crop showing the whole source, maps 2x4x4; the actor covers x 0.25-0.5, y 0.25-0.75 (1/8 of the frame). */
  private static final ModelSpec SPEC = TestSpecs.spec(8, 32, 32, ModelContract.STRETCH, 0, 2, 4, 4, 0.45f, 0.225f);
  private static final FrameGeometry WHOLE = new FrameGeometry(1 / 32.0, 0, 1 / 32.0, 0);

  private static ClipResult clip(float[] map) {
    float[][] boxes = new float[8][];
    for (int t = 0; t < 8; t++) {
      boxes[t] = new float[] {0.25f, 0.25f, 0.25f, 0.5f};
    }
    return new ClipResult(0, 0, new float[] {1}, map, boxes, WHOLE, -1);
  }

  @Test
  void aUniformMapScoresTheActorsShareOfTheFrameAndPointsIntoItAsOftenAsItsCells() {
    ChanceLocalization chance = ChanceLocalization.of(List.of(clip(new float[32])), SPEC, 1);
    assertThat(chance.uniform().meanIou()).as("the whole crop against an actor on 1/8 of it").isCloseTo(0.125, within(1e-6));
    // cell centres at 0.125, 0.375, 0.625, 0.875; the box expanded by half a cell (0.125) spans x 0.125-0.625
    // (3 columns) and y 0.125-0.875 (4 rows): 12 of the 16 tied peak cells
    assertThat(chance.uniform().pointingGame()).isEqualTo(12 / 16.0);
  }

  @Test
  void theCentrePriorPointsAtTheCentreAndRandomBoxesScoreBelowABoxOnTheActor() {
    float[] onActor = new float[32];
    for (int s = 0; s < 2; s++) {
      onActor[s * 16 + 4 + 1] = 0.25f;
      onActor[s * 16 + 8 + 1] = 0.25f;
    }
    ClipResult result = clip(onActor);
    ChanceLocalization chance = ChanceLocalization.of(List.of(result), SPEC, 1);
    assertThat(Localization.of(List.of(result), SPEC).meanIou()).isEqualTo(1.0);
    assertThat(chance.randomBoxes().meanIou()).as("the actor's own box, placed at random").isBetween(0.0, 0.5);
    assertThat(chance.randomBoxes().clips()).isEqualTo(1);
    float[] centre = ChanceLocalization.centrePrior(SPEC);
    double sum = 0;
    for (float v : centre) {
      sum += v;
    }
    assertThat(sum).isCloseTo(1.0, within(1e-5));
    assertThat(centre[5]).as("a centre cell outweighs a corner").isGreaterThan(centre[0]);
    assertThat(chance.centrePrior().clips()).isEqualTo(1);
  }
}
