package io.actionstream.cli.bench;

/**
 * When the benchmark's unmeasured pipeline runs have warmed the JVM enough: after at least
 * {@code minRuns}, as soon as {@code quietRuns} runs in a row each had the JIT compilers take at
 * most {@code jitShare} of ONNX Runtime's CPU, and at {@code maxRuns} whatever the JIT does. A
 * process that hosts a broker, Kafka Streams and the service compiles for minutes on two cores
 * (the JIT's share falls from about 0.7 to 0.07 of ONNX Runtime's over twenty runs), and a fixed
 * count measured a JVM still compiling: the pipeline ran a fifth slower after five runs than
 * after ten. One quiet run was not enough either: the consumer's fetch path reaches the
 * optimizing compiler only after thousands of polls, and in round 13 a single C2 compilation of
 * it (over a second) landed in the measured runs after a quiet one.
 */
record WarmUp(int minRuns, int maxRuns, double jitShare, int quietRuns) {

  WarmUp {
    if (minRuns < 0 || maxRuns < minRuns) {
      throw new IllegalArgumentException("the warm-up needs 0 <= minimum runs <= maximum runs, got " + minRuns + " and " + maxRuns);
    }
    if (!(jitShare > 0)) {
      throw new IllegalArgumentException("the JIT's share must be above 0, got " + jitShare);
    }
    if (quietRuns < 1) {
      throw new IllegalArgumentException("the quiet runs in a row must be at least 1, got " + quietRuns);
    }
  }

  /**
   * Whether a run that spent {@code jit} on the JIT compilers and {@code onnx} in ONNX Runtime
   * (CPU in the same unit: cores over one window, or milliseconds per clip) counts as quiet.
   */
  boolean quiet(double jit, double onnx) {
    return jit <= jitShare * onnx;
  }

  /**
   * Whether another warm-up run is due after {@code runsDone}, the last {@code quietInARow} of
   * which were {@linkplain #quiet quiet} (ignored before the minimum).
   */
  boolean another(int runsDone, int quietInARow) {
    if (runsDone < minRuns) {
      return true;
    }
    if (runsDone >= maxRuns) {
      return false;
    }
    return quietInARow < quietRuns;
  }
}
