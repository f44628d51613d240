package io.actionstream.model.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class AttentionBoxesTest {

  @Test
  void separateRegionsBecomeSeparateBoxesWithTheirShareOfTheMass() {
    // a 4x4 map over a 64x64 input: a strong 2-cell region top-left, a weaker cell bottom-right
    float[] map = new float[16];
    map[0] = 0.4f;
    map[1] = 0.3f;
    map[15] = 0.2f;
    map[10] = 0.02f; // below 0.3 of the maximum: ignored
    List<AttentionRegion> regions = new AttentionBoxes(0.3, 3, 0.0).regions(map, 4, 4, 64, 64);

    assertThat(regions).hasSize(2);
    assertThat(regions.get(0)).isEqualTo(new AttentionRegion(0, 0, 32, 16, regions.get(0).mass()));
    assertThat(regions.get(0).mass()).isCloseTo(0.7, offset(1e-6));
    assertThat(regions.get(1)).isEqualTo(new AttentionRegion(48, 48, 64, 64, regions.get(1).mass()));
  }

  @Test
  void boxesBelowTheMinimumMassOrBeyondTheMaximumCountAreLeftOut() {
    float[] map = {0.5f, 0f, 0.3f, 0f, 0f, 0f, 0.2f, 0f, 0f};
    assertThat(new AttentionBoxes(0.3, 1, 0.0).regions(map, 3, 3, 30, 30)).hasSize(1);
    assertThat(new AttentionBoxes(0.3, 5, 0.25).regions(map, 3, 3, 30, 30)).extracting(AttentionRegion::mass)
        .containsExactly(0.5, 0.30000001192092896);
  }

  @Test
  void averagingOverTimeKeepsTheMass() {
    float[] map = {0.5f, 0f, 0f, 0f, 0f, 0f, 0f, 0.5f};
    float[] mean = AttentionBoxes.averageOverTime(map, 0, 2, 2, 2);
    assertThat(mean).containsExactly(0.5f, 0f, 0f, 0.5f);
    assertThat(AttentionBoxes.quantize(mean, 0.5f)).containsExactly((byte) 255, (byte) 0, (byte) 0, (byte) 255);
  }
}
