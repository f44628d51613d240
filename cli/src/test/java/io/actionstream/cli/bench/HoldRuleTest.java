package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HoldRuleTest {

  private final HoldRule rule = new HoldRule(0.9, 1000);

  @Test
  void aSteadyRunWithinTheBoundHolds() {
    assertThat(rule.failure(new HoldRule.Observed(0.98, 120, 140, 480))).isEmpty();
  }

  @Test
  void aSteadyLagOfASecondDoesNotHold() {
    // round 16's B4: 297 cameras, every clip about a second late, the lag not growing
    assertThat(rule.failure(new HoldRule.Observed(0.97, 967, 990, 1450))).hasValueSatisfying(why ->
        assertThat(why).contains("p99 1450 ms, above 1000 ms").doesNotContain("lag grows"));
  }

  @Test
  void aGrowingLagDoesNotHoldEvenUnderTheBound() {
    assertThat(rule.failure(new HoldRule.Observed(0.95, 100, 380, 900))).hasValueSatisfying(why ->
        assertThat(why).contains("lag grows (median 100 ms in the first third, 380 ms in the last)"));
  }

  @Test
  void missingEventsDoNotHold() {
    assertThat(rule.failure(new HoldRule.Observed(0.84, 100, 110, 300))).hasValueSatisfying(why ->
        assertThat(why).contains("84% of the expected events, fewer than 90%"));
  }

  @Test
  void aRunWithNoEventsDoesNotHold() {
    // no events: the percentiles are not numbers, which must not pass a comparison
    assertThat(rule.failure(new HoldRule.Observed(0, Double.NaN, Double.NaN, Double.NaN))).isPresent();
  }

  @Test
  void aNonsensicalRuleIsRefused() {
    assertThatThrownBy(() -> new HoldRule(0.9, 0)).hasMessageContaining("p99 bound");
    assertThatThrownBy(() -> new HoldRule(1.5, 1000)).hasMessageContaining("share of events");
  }
}
