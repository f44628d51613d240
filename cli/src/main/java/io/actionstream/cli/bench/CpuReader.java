package io.actionstream.cli.bench;

import io.actionstream.model.runtime.NetworkPriority;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Takes {@link CpuUse} readings on a thread of its own, scheduled in real time where the process
 * may (else at the network's nice value). A reading walks every thread of the process; on the
 * benchmark's own thread, at nice 0 beside the network's threads at nice -20 that hold every core
 * during a pipeline run, it took 300-600 ms, and the threads' CPU was then read over a longer
 * window than the process's (round 17's inconsistent splits). Beside the network at the same nice
 * value it still waited for a turn (5-170 ms); in real time it runs at once, for about a
 * millisecond of CPU that the measured parts do not lose.
 */
final class CpuReader implements AutoCloseable {

  private final ExecutorService thread;

  CpuReader() {
    thread = Executors.newSingleThreadExecutor(task -> {
      Thread t = new Thread(() -> {
        NetworkPriority.REALTIME.applyToCurrentThread();
        task.run();
      }, "bench-cpu-reader");
      t.setDaemon(true);
      return t;
    });
  }

  /** The process's CPU so far, by part; see {@link CpuUse#now()}. */
  CpuUse now() {
    return onReader(CpuUse::now);
  }

  /** How the reading thread is scheduled; empty where {@code /proc} does not tell. */
  Optional<NetworkPriority.Scheduling> scheduling() {
    return onReader(NetworkPriority::ofCurrentThread);
  }

  private <T> T onReader(java.util.concurrent.Callable<T> task) {
    try {
      return thread.submit(task).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the CPU clocks", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("reading the CPU clocks failed", e.getCause());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
