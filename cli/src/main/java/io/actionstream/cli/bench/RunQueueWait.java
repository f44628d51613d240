package io.actionstream.cli.bench;

import io.actionstream.model.runtime.StudentModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How long the network's threads (ONNX Runtime's, told by their names) were on a core, how long
 * they waited in the kernel's run queue for one while they could run, and how many turns on a
 * core they had, from {@code /proc/self/task/N/schedstat} (Linux; zeros elsewhere). Their batches
 * take more wall time than CPU time in a burst; this says whether they were waiting for a core
 * (preempted by, or queued behind, the work around them) rather than blocked: round 25 found the
 * network's threads, at nice -20, waiting 0.2-0.25 of their CPU time, in about four turns per clip.
 */
record RunQueueWait(long runNanos, long waitNanos, long turns) {

  /** The network's threads' totals so far. */
  static RunQueueWait now() {
    return of(CpuUse.TASKS, StudentModel.THREAD_NAME_PREFIX);
  }

  /** The totals so far of the threads under {@code tasks} whose name starts with {@code prefix}. */
  static RunQueueWait of(Path tasks, String prefix) {
    if (!Files.isDirectory(tasks)) {
      return new RunQueueWait(0, 0, 0);
    }
    long run = 0;
    long wait = 0;
    long turns = 0;
    try (Stream<Path> all = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) all::iterator) {
        try {
          if (!Files.readString(task.resolve("comm")).strip().startsWith(prefix)) {
            continue;
          }
          String[] fields = Files.readString(task.resolve("schedstat")).strip().split(" ");
          run += Long.parseLong(fields[0]);
          wait += Long.parseLong(fields[1]);
          turns += Long.parseLong(fields[2]);
        } catch (IOException | RuntimeException e) {
          // the thread ended while it was read, or the kernel keeps no schedstat: not counted
        }
      }
    } catch (IOException e) {
      return new RunQueueWait(0, 0, 0);
    }
    return new RunQueueWait(run, wait, turns);
  }

  /** What happened between {@code earlier} and this; a thread that ended in between takes its totals with it. */
  RunQueueWait since(RunQueueWait earlier) {
    return new RunQueueWait(Math.max(0, runNanos - earlier.runNanos), Math.max(0, waitNanos - earlier.waitNanos),
        Math.max(0, turns - earlier.turns));
  }

  /** Time waiting for a core over time on one; NaN when the threads did not run. */
  double waitOverRun() {
    return runNanos == 0 ? Double.NaN : waitNanos / (double) runNanos;
  }

  /** A sentence for the report, per clip of {@code clips}. */
  String describe(long clips) {
    if (runNanos == 0 || clips == 0) {
      return "the network's threads' waits for a core were not read (no /proc/self/task/N/schedstat)";
    }
    return String.format(Locale.ROOT, "the network's threads waited for a core %.1f ms per clip while they could run (%.2f of "
        + "their %.1f ms on one), in %.1f turns on a core per clip", waitNanos / 1e6 / clips, waitOverRun(), runNanos / 1e6 / clips,
        turns / (double) clips);
  }
}
