package io.actionstream.inference.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CommitPacingTest {

  private static final boolean BUSY = true;
  private static final boolean IDLE = false;
  private static final long NOTHING = -1;

  private final CommitPacing pacing = new CommitPacing(Duration.ofMillis(100));

  @Test
  void commitsWhateverIsUncommittedOnceNoClipIsWithTheNetwork() {
    // frames taken in between bursts as well as the events of one: the quiet time takes them all
    assertThat(pacing.due(0, 100, IDLE)).isTrue();
    assertThat(pacing.due(30, 5_000, IDLE)).isTrue();
  }

  @Test
  void waitsWhileTheNetworkIsBusySoThatABurstIsNotInterrupted() {
    assertThat(pacing.due(900, 900, BUSY)).isFalse();
  }

  @Test
  void commitsAnywayOnceTheOldestUncommittedRecordHasWaitedASecond() {
    assertThat(pacing.due(1_000, 1_000, BUSY)).isTrue();
    assertThat(pacing.due(999, 5_000, BUSY)).isFalse();
  }

  @Test
  void waitsForTheIntervalAndForSomethingToCommit() {
    assertThat(pacing.due(50, 99, IDLE)).isFalse();
    assertThat(pacing.due(NOTHING, 5_000, IDLE)).isFalse();
    assertThat(pacing.due(NOTHING, 5_000, BUSY)).isFalse();
  }

  @Test
  void kafkaStreamsOwnCommitIsABackstopFiveSecondsApartWellInsideTheTransactionTimeout() {
    assertThat(pacing.backstop()).isEqualTo(Duration.ofSeconds(5));
    assertThat(new CommitPacing(Duration.ofSeconds(7)).backstop()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void aLongIntervalAlsoLengthensTheLongestWait() {
    CommitPacing slow = new CommitPacing(Duration.ofSeconds(3));
    assertThat(slow.longestWait()).isEqualTo(Duration.ofSeconds(3));
    assertThat(slow.due(2_000, 2_000, BUSY)).isFalse();
    assertThat(slow.due(2_000, 2_000, IDLE)).isFalse();
    assertThat(slow.due(3_000, 3_000, BUSY)).isTrue();
  }

  @Test
  void refusesANegativeInterval() {
    assertThatThrownBy(() -> new CommitPacing(Duration.ofMillis(-1))).hasMessageContaining("must not be negative");
  }
}
