package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WarmUpTest {

  private final WarmUp warmUp = new WarmUp(5, 20, 0.1, 2);

  @Test
  void aRunIsQuietWhenTheJitTookAtMostItsShareOfOnnxRuntimesCpu() {
    assertThat(warmUp.quiet(0.2, 1.0)).as("JIT at 20% of ONNX Runtime").isFalse();
    assertThat(warmUp.quiet(0.11, 1.0)).isFalse();
    assertThat(warmUp.quiet(0.1, 1.0)).as("at the share").isTrue();
    assertThat(warmUp.quiet(0.05, 1.0)).isTrue();
  }

  @Test
  void theMinimumIsRunWhateverTheJitDid() {
    assertThat(warmUp.another(0, 0)).isTrue();
    assertThat(warmUp.another(4, 4)).isTrue();
  }

  @Test
  void afterTheMinimumItGoesOnUntilEnoughQuietRunsInARow() {
    assertThat(warmUp.another(5, 0)).isTrue();
    assertThat(warmUp.another(9, 1)).as("one quiet run of the two asked for").isTrue();
    assertThat(warmUp.another(9, 2)).isFalse();
    assertThat(new WarmUp(5, 20, 0.1, 1).another(9, 1)).as("one asked for").isFalse();
  }

  @Test
  void theMaximumEndsItWhileTheJitStillCompiles() {
    assertThat(warmUp.another(19, 0)).isTrue();
    assertThat(warmUp.another(20, 0)).isFalse();
    assertThat(new WarmUp(5, 5, 0.1, 2).another(5, 0)).as("a fixed count: minimum = maximum").isFalse();
  }

  @Test
  void refusesALimitBelowTheMinimumAShareOfNothingAndNoQuietRun() {
    assertThatThrownBy(() -> new WarmUp(5, 4, 0.1, 2)).hasMessageContaining("5 and 4");
    assertThatThrownBy(() -> new WarmUp(5, 20, 0, 2)).hasMessageContaining("share");
    assertThatThrownBy(() -> new WarmUp(5, 20, 0.1, 0)).hasMessageContaining("quiet");
  }
}
