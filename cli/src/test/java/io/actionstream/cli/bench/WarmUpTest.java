package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WarmUpTest {

  private final WarmUp warmUp = new WarmUp(5, 20, 0.1);

  @Test
  void theMinimumIsRunWhateverTheJitDid() {
    assertThat(warmUp.another(0, 0, 0)).isTrue();
    assertThat(warmUp.another(4, 0.0, 1.0)).isTrue();
  }

  @Test
  void afterTheMinimumItGoesOnWhileTheJitTakesMoreThanItsShare() {
    assertThat(warmUp.another(5, 0.2, 1.0)).as("JIT at 20% of ONNX Runtime").isTrue();
    assertThat(warmUp.another(9, 0.11, 1.0)).isTrue();
    assertThat(warmUp.another(9, 0.1, 1.0)).as("at the share").isFalse();
    assertThat(warmUp.another(5, 0.05, 1.0)).isFalse();
  }

  @Test
  void theMaximumEndsItWhileTheJitStillCompiles() {
    assertThat(warmUp.another(19, 0.5, 1.0)).isTrue();
    assertThat(warmUp.another(20, 0.5, 1.0)).isFalse();
    assertThat(new WarmUp(5, 5, 0.1).another(5, 0.5, 1.0)).as("a fixed count: minimum = maximum").isFalse();
  }

  @Test
  void refusesALimitBelowTheMinimumAndAShareOfNothing() {
    assertThatThrownBy(() -> new WarmUp(5, 4, 0.1)).hasMessageContaining("5 and 4");
    assertThatThrownBy(() -> new WarmUp(5, 20, 0)).hasMessageContaining("share");
  }
}
