package io.actionstream.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a foreground command run until Ctrl-C (or SIGTERM) and still close its resources in
 * order on its own thread: the shutdown hook only signals, then waits for the command to say it
 * has finished cleaning up.
 */
final class StopSignal implements AutoCloseable {

  private static final Duration CLEANUP_GRACE = Duration.ofSeconds(30);

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch cleanedUp = new CountDownLatch(1);
  private final Thread hook;

  StopSignal() {
    hook =
        new Thread(
            () -> {
              stopRequested.countDown();
              try {
                cleanedUp.await(CLEANUP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "actionstream-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Waits up to {@code timeout}; true when a stop was requested. */
  boolean await(Duration timeout) throws InterruptedException {
    return stopRequested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean requested() {
    return stopRequested.getCount() == 0;
  }

  /** Marks cleanup as done; call after closing everything. */
  @Override
  public void close() {
    cleanedUp.countDown();
    if (!requested()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already exiting
      }
    }
  }
}
