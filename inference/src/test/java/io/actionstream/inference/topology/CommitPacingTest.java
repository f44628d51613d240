package io.actionstream.inference.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CommitPacingTest {

  private static final boolean BUSY = true;
  private static final boolean IDLE = false;
  /** No event or dead letter waits: frames alone. */
  private static final long FRAMES_ONLY = -1;
  private static final long NOTHING = -1;

  private final CommitPacing pacing = new CommitPacing(Duration.ofMillis(100));

  @Test
  void commitsOnceTheEventsAreOutAndNoClipIsWithTheNetwork() {
    assertThat(pacing.due(300, 0, 100, IDLE)).isTrue();
    assertThat(pacing.due(30, 30, 5_000, IDLE)).isTrue();
  }

  @Test
  void commitsFramesAloneInTheQuietTimeOnceTheyHaveWaitedAQuarterSecond() {
    // between the bursts of cameras started together, so that the backstop finds little to commit
    assertThat(pacing.due(250, FRAMES_ONLY, 250, IDLE)).isTrue();
    // sooner, a commit for frames alone could hold back the event that comes next by an interval
    assertThat(pacing.due(249, FRAMES_ONLY, 5_000, IDLE)).isFalse();
  }

  @Test
  void waitsWhileTheNetworkIsBusySoThatABurstIsNotInterrupted() {
    assertThat(pacing.due(900, 900, 900, BUSY)).isFalse();
    assertThat(pacing.due(900, FRAMES_ONLY, 900, BUSY)).isFalse();
  }

  @Test
  void commitsAnywayOnceTheOldestEventHasWaitedASecond() {
    assertThat(pacing.due(1_500, 1_000, 1_500, BUSY)).isTrue();
    assertThat(pacing.due(5_000, 999, 5_000, BUSY)).isFalse();
  }

  @Test
  void framesAloneWaitForTheQuietTimeOrTheBackstopHoweverOld() {
    // a burst's frames taken in before its first event do not cut it short
    assertThat(pacing.due(4_000, FRAMES_ONLY, 4_000, BUSY)).isFalse();
    assertThat(pacing.due(4_000, FRAMES_ONLY, 4_000, IDLE)).isTrue();
  }

  @Test
  void waitsForTheIntervalAndForSomethingToCommit() {
    assertThat(pacing.due(50, 50, 99, IDLE)).isFalse();
    assertThat(pacing.due(500, FRAMES_ONLY, 99, IDLE)).isFalse();
    assertThat(pacing.due(NOTHING, NOTHING, 5_000, IDLE)).isFalse();
    assertThat(pacing.due(NOTHING, NOTHING, 5_000, BUSY)).isFalse();
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
    assertThat(slow.due(2_000, 2_000, 2_000, BUSY)).isFalse();
    assertThat(slow.due(2_000, 2_000, 2_000, IDLE)).isFalse();
    assertThat(slow.due(3_000, 3_000, 3_000, BUSY)).isTrue();
  }

  @Test
  void refusesANegativeInterval() {
    assertThatThrownBy(() -> new CommitPacing(Duration.ofMillis(-1))).hasMessageContaining("must not be negative");
  }
}
