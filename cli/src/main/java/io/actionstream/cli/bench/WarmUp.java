package io.actionstream.cli.bench;

/**
 * When the benchmark's unmeasured pipeline runs have warmed the JVM enough: after at least
 * {@code minRuns}, as soon as a run's JIT compilers took at most {@code jitShare} of ONNX
 * Runtime's CPU, and at {@code maxRuns} whatever the JIT does. A process that hosts a broker,
 * Kafka Streams and the service compiles for minutes on two cores (the JIT's share falls from
 * about 0.7 to 0.07 of ONNX Runtime's over twenty runs), and a fixed count measured a JVM still
 * compiling: the pipeline ran a fifth slower after five runs than after ten.
 */
record WarmUp(int minRuns, int maxRuns, double jitShare) {

  WarmUp {
    if (minRuns < 0 || maxRuns < minRuns) {
      throw new IllegalArgumentException("the warm-up needs 0 <= minimum runs <= maximum runs, got " + minRuns + " and " + maxRuns);
    }
    if (!(jitShare > 0)) {
      throw new IllegalArgumentException("the JIT's share must be above 0, got " + jitShare);
    }
  }

  /**
   * Whether another warm-up run is due after {@code runsDone}, the last of which spent
   * {@code jitCores} on the JIT compilers and {@code onnxCores} in ONNX Runtime (cores over the
   * same window; ignored before the minimum).
   */
  boolean another(int runsDone, double jitCores, double onnxCores) {
    if (runsDone < minRuns) {
      return true;
    }
    if (runsDone >= maxRuns) {
      return false;
    }
    return jitCores > jitShare * onnxCores;
  }
}
