package io.actionstream.cli.bench;

import io.actionstream.schemas.v1.Timings;
import java.util.Collection;

/**
 * The network's own share of a real-time run, read from its events: every event carries the wall
 * time of the batch its clip ran in and that batch's size, so the batches' wall time per clip is
 * the sum of time / size over the events, divided by the events. In a synchronized burst both
 * cores run batches at once, beside the ingest and the stream threads, and a clip costs more wall
 * time than the CPU per clip of the loaded pipeline run, which the burst's compute floor uses;
 * this splits the burst's p99 into the network running slower and the waiting around it.
 */
record NetworkTime(long clips, double wallMsPerClip, double meanBatch) {

  static NetworkTime of(Collection<Timings> timings) {
    double wall = 0;
    long batchSizes = 0;
    for (Timings t : timings) {
      if (t.getBatchSize() < 1) {
        throw new IllegalArgumentException("an event without its batch size: " + t);
      }
      wall += t.getInferenceMs() / t.getBatchSize();
      batchSizes += t.getBatchSize();
    }
    long n = timings.size();
    return new NetworkTime(n, n == 0 ? Double.NaN : wall / n, n == 0 ? Double.NaN : (double) batchSizes / n);
  }

  /**
   * How many times their CPU time the network's batches take in wall time when the rest of the
   * process keeps {@code coresAround} of the machine's {@code cores} busy beside them, all of it
   * and none of it put off until the network is done: the network then has {@code cores -
   * coresAround} cores, so {@code cores / (cores - coresAround)}; infinite when that leaves none.
   * What a synchronized burst costs above its compute floor where the cameras' other frames keep
   * coming through it (README, speed targets round 22).
   */
  static double stretchBeside(double coresAround, int cores) {
    if (coresAround < 0 || cores < 1) {
      throw new IllegalArgumentException(coresAround + " cores around the network on " + cores);
    }
    return coresAround >= cores ? Double.POSITIVE_INFINITY : cores / (cores - coresAround);
  }

  /** Milliseconds that {@code burstClips} clips take in the network at this run's wall time per clip, on {@code cores} side by side. */
  double burstMs(int burstClips, int cores) {
    return burstClips * wallMsPerClip / cores;
  }
}
