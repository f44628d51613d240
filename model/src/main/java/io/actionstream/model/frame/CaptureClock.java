package io.actionstream.model.frame;

import java.time.Instant;

/**
 * The clock of a frame's {@code capture_time_us}: the wall clock in microseconds since the Unix
 * epoch. The ingest stamps frames with it, and the inference and the benchmark read it to say how
 * long after the capture something happened, so all of them read it here.
 */
public final class CaptureClock {

  private CaptureClock() {}

  /** Now, in microseconds since the epoch. */
  public static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
