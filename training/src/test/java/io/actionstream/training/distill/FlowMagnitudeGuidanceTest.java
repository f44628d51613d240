package io.actionstream.training.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.actionstream.training.network.NetworkSpec;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class FlowMagnitudeGuidanceTest {

  @Test
  void theTargetPeaksWhereTheFlowMovesAndSumsToOne() {
    NetworkSpec spec = new NetworkSpec(3, 8, 32, 32, new int[] {4, 8, 8, 16}, 10);
    int plane = 8 * 32 * 32;
    float[] flow = new float[2 * 2 * plane];
    // clip 0: motion in the cell at map (t 1, y 2, x 3): frames 4-7, rows 16-23, columns 24-31
    for (int z = 4; z < 8; z++) {
      for (int y = 16; y < 24; y++) {
        for (int x = 24; x < 32; x++) {
          flow[z * 32 * 32 + y * 32 + x] = 3f;
          flow[plane + z * 32 * 32 + y * 32 + x] = 4f;
        }
      }
    }
    FloatBuffer maps = FlowMagnitudeGuidance.maps(flow, 2, spec);
    int cells = spec.mapSize();
    float[] first = new float[cells];
    float[] second = new float[cells];
    maps.get(first).get(second);
    int peak = (1 * 4 + 2) * 4 + 3;
    double sum = 0;
    for (int k = 0; k < cells; k++) {
      sum += first[k];
      if (k != peak) {
        assertThat(first[k]).isLessThan(first[peak] / 1000);
      }
    }
    assertThat(sum).isCloseTo(1, within(1e-5));
    // a still clip gets a uniform map, not a division by zero
    for (float v : second) {
      assertThat(v).isCloseTo(1f / cells, within(1e-6f));
    }
  }
}
