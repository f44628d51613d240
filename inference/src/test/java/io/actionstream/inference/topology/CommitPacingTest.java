package io.actionstream.inference.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CommitPacingTest {

  private final CommitPacing pacing = new CommitPacing(Duration.ofMillis(100));

  @Test
  void commitsOnceTheEventsAreOutAndNoClipIsWithTheNetwork() {
    assertThat(pacing.due(100, true, false)).isTrue();
    assertThat(pacing.due(5_000, true, false)).isTrue();
  }

  @Test
  void waitsWhileTheNetworkIsBusySoThatABurstIsNotInterrupted() {
    assertThat(pacing.due(900, true, true)).isFalse();
  }

  @Test
  void waitsForTheIntervalAndForSomethingToCommit() {
    assertThat(pacing.due(99, true, false)).isFalse();
    assertThat(pacing.due(5_000, false, false)).isFalse();
  }

  @Test
  void kafkaStreamsOwnCommitIsABackstopOfAtLeastASecond() {
    assertThat(pacing.backstop()).isEqualTo(Duration.ofSeconds(1));
    assertThat(new CommitPacing(Duration.ofSeconds(3)).backstop()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void refusesANegativeInterval() {
    assertThatThrownBy(() -> new CommitPacing(Duration.ofMillis(-1))).hasMessageContaining("must not be negative");
  }
}
