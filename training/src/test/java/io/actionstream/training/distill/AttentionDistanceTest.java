package io.actionstream.training.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class AttentionDistanceTest {

  @Test
  void bothDistancesAreZeroForEqualMapsAndGrowAsMapsDiffer() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(new float[] {0.7f, 0.1f, 0.1f, 0.1f}).reshape(1, 1, 2, 2);
      NDArray near = m.create(new float[] {0.6f, 0.2f, 0.1f, 0.1f}).reshape(1, 1, 2, 2);
      NDArray far = m.create(new float[] {0.1f, 0.1f, 0.1f, 0.7f}).reshape(1, 1, 2, 2);
      for (AttentionDistance d : AttentionDistance.values()) {
        assertThat(d.between(p, p).getFloat()).as(d.name()).isCloseTo(0f, offset(1e-6f));
        assertThat(d.between(p, near).getFloat()).as(d.name()).isGreaterThan(0f)
            .isLessThan(d.between(p, far).getFloat());
      }
      // KL(p || far) = 0.7 ln 7 + 0.1 ln(1/7), by hand
      assertThat(AttentionDistance.KL.between(p, far).getFloat())
          .isCloseTo((float) (0.6 * Math.log(7)), offset(1e-4f));
      // L2 on maps scaled to mean 1 (times 4 positions): mean of (4 * difference)^2
      assertThat(AttentionDistance.L2.between(p, far).getFloat())
          .isCloseTo((float) ((2.4 * 2.4 * 2) / 4), offset(1e-4f));
    }
  }
}
