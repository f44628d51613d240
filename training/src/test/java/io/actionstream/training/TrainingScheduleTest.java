package io.actionstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingScheduleTest {

  /** A clock that only moves when told to. */
  private static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-11-24T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void startsEveryIntervalCountingTheRunsOwnTimeAndSurvivesAFailedRun() throws Exception {
    ManualClock clock = new ManualClock();
    List<Duration> waits = new ArrayList<>();
    List<RuntimeException> failures = new ArrayList<>();
    int[] calls = {0};
    Runnable run = () -> {
      calls[0]++;
      clock.now = clock.now.plus(Duration.ofMinutes(calls[0] == 2 ? 7 * 60 : 20)); // run 2 overruns
      if (calls[0] == 3) {
        throw new IllegalStateException("data folder vanished");
      }
    };

    int runs = new TrainingSchedule(Duration.ofHours(6), clock).run(run, wait -> {
      waits.add(wait);
      clock.now = clock.now.plus(wait);
      return waits.size() == 4;
    }, failures::add);

    assertThat(runs).isEqualTo(4);
    assertThat(waits).containsExactly(
        Duration.ofMinutes(340), Duration.ZERO, Duration.ofMinutes(340), Duration.ofMinutes(340));
    assertThat(failures).singleElement().extracting(Throwable::getMessage).isEqualTo("data folder vanished");
  }

  @Test
  void aZeroIntervalIsRefused() {
    assertThatThrownBy(() -> new TrainingSchedule(Duration.ZERO, Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class);
  }
}
