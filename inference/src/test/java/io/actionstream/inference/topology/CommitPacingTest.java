package io.actionstream.inference.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CommitPacingTest {

  private static final boolean BUSY = true;
  private static final boolean IDLE = false;
  private static final boolean EVENTS = true;
  private static final boolean FRAMES_ONLY = false;
  private static final long NOTHING = -1;

  private final CommitPacing pacing = new CommitPacing(Duration.ofMillis(100));

  @Test
  void commitsOnceTheEventsAreOutAndNoClipIsWithTheNetwork() {
    assertThat(pacing.due(0, 100, EVENTS, IDLE)).isTrue();
    assertThat(pacing.due(30, 5_000, EVENTS, IDLE)).isTrue();
  }

  @Test
  void commitsFramesAloneInTheQuietTimeOnceTheyHaveWaitedAQuarterSecond() {
    // between the bursts of cameras started together, so that the backstop finds little to commit
    assertThat(pacing.due(250, 250, FRAMES_ONLY, IDLE)).isTrue();
    // sooner, a commit for frames alone could hold back the event that comes next by an interval
    assertThat(pacing.due(249, 5_000, FRAMES_ONLY, IDLE)).isFalse();
  }

  @Test
  void waitsWhileTheNetworkIsBusySoThatABurstIsNotInterrupted() {
    assertThat(pacing.due(900, 900, EVENTS, BUSY)).isFalse();
    assertThat(pacing.due(900, 900, FRAMES_ONLY, BUSY)).isFalse();
  }

  @Test
  void commitsAnywayOnceTheOldestUncommittedRecordHasWaitedASecond() {
    assertThat(pacing.due(1_000, 1_000, FRAMES_ONLY, BUSY)).isTrue();
    assertThat(pacing.due(1_000, 1_000, EVENTS, BUSY)).isTrue();
    assertThat(pacing.due(999, 5_000, EVENTS, BUSY)).isFalse();
  }

  @Test
  void waitsForTheIntervalAndForSomethingToCommit() {
    assertThat(pacing.due(50, 99, EVENTS, IDLE)).isFalse();
    assertThat(pacing.due(500, 99, FRAMES_ONLY, IDLE)).isFalse();
    assertThat(pacing.due(NOTHING, 5_000, FRAMES_ONLY, IDLE)).isFalse();
    assertThat(pacing.due(NOTHING, 5_000, FRAMES_ONLY, BUSY)).isFalse();
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
    assertThat(slow.due(2_000, 2_000, EVENTS, BUSY)).isFalse();
    assertThat(slow.due(2_000, 2_000, EVENTS, IDLE)).isFalse();
    assertThat(slow.due(3_000, 3_000, FRAMES_ONLY, BUSY)).isTrue();
  }

  @Test
  void refusesANegativeInterval() {
    assertThatThrownBy(() -> new CommitPacing(Duration.ofMillis(-1))).hasMessageContaining("must not be negative");
  }
}
