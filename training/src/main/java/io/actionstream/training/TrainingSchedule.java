package io.actionstream.training;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs training again and again, one start every {@code every} (a run that takes longer is
 * followed at once by the next), until asked to stop. A failed run is logged and the schedule
 * goes on: a periodic trainer should not die of one bad night. Each run reads the data folder
 * afresh, so new videos are picked up.
 */
public final class TrainingSchedule {

  private static final Logger log = LoggerFactory.getLogger(TrainingSchedule.class);

  /** Waits up to a duration; returns true when a stop was requested meanwhile. */
  public interface Waiter {
    boolean await(Duration duration) throws InterruptedException;
  }

  private final Duration every;
  private final Clock clock;

  public TrainingSchedule(Duration every, Clock clock) {
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("the interval must be positive, got " + every);
    }
    this.every = every;
    this.clock = clock;
  }

  /** Runs {@code run} until {@code waiter} reports a stop; returns the number of runs started. */
  public int run(Runnable run, Waiter waiter, Consumer<RuntimeException> onFailure) throws InterruptedException {
    int runs = 0;
    while (true) {
      Instant start = clock.instant();
      runs++;
      try {
        run.run();
      } catch (RuntimeException e) {
        onFailure.accept(e);
      }
      Duration wait = every.minus(Duration.between(start, clock.instant()));
      if (wait.isNegative()) {
        wait = Duration.ZERO;
      }
      log.info("Next training run in {} (at {})", wait, clock.instant().plus(wait));
      if (waiter.await(wait)) {
        return runs;
      }
    }
  }
}
