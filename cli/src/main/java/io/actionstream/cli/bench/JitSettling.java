package io.actionstream.cli.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Waits, before a pipeline run is timed, for the JIT compilers to finish what is queued for them.
 * Each run loads its frames through an ingest of its own and closes it: its camera path, producer
 * and metrics teardown reach the compilers' thresholds then, beside what the run before queued
 * last, and those compilations ran in the measured window, counted against the inference (round
 * 30: 50-840 ms of the compilers' CPU per run went by in this wait, against 0.5 ms per clip, 240
 * ms in a run of 480 clips, in the window). The wait ends once the compilers used at most {@code
 * quietCores} over one {@code step}, or after {@code max}; what the network's own path compiles
 * while it runs still counts.
 */
record JitSettling(Duration step, Duration max, double quietCores) {

  JitSettling {
    if (step.isNegative() || step.isZero() || max.compareTo(step) < 0) {
      throw new IllegalArgumentException("the JIT settling needs 0 < step <= max, got " + step + " and " + max);
    }
    if (!(quietCores > 0)) {
      throw new IllegalArgumentException("the JIT's quiet share of the cores must be above 0, got " + quietCores);
    }
  }

  /** How long the wait took and the JIT compilers' CPU over it. */
  record Settled(long waitedNanos, long jitNanos, boolean quiet) {
    String describe() {
      return String.format(Locale.ROOT, "waited %.0f ms for the JIT compilers' queue from the set-up (%.0f ms of their CPU%s)",
          waitedNanos / 1e6, jitNanos / 1e6, quiet ? "" : ", not yet quiet");
    }
  }

  /** Sleeps between {@code readings} of the CPU until the JIT is quiet over a step or {@code max} has passed. */
  Settled await(Supplier<CpuUse> readings, Sleeper sleeper) throws InterruptedException {
    CpuUse first = readings.get();
    CpuUse last = first;
    while (true) {
      sleeper.sleep(step);
      CpuUse now = readings.get();
      CpuUse window = now.since(last);
      CpuUse all = now.since(first);
      boolean quiet = window.cores(CpuUse.JIT) <= quietCores;
      if (quiet || all.wallNanos() >= max.toNanos()) {
        return new Settled(all.wallNanos(), all.nanosByPart().getOrDefault(CpuUse.JIT, 0L), quiet);
      }
      last = now;
    }
  }

  /** What the wait sleeps with; {@link Thread#sleep} in the benchmark. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }
}
