package io.actionstream.cli.bench;

import io.actionstream.schemas.v1.Timings;

/**
 * How late one event was, from the capture of its clip's last frame: when the inference created it
 * (what the event itself records) and when a consumer received it. The difference is the wait for
 * the exactly-once commit that makes the event visible to a {@code read_committed} consumer, and
 * the fetch; a downstream team sees the second figure.
 */
record EventLatency(double captureToEventMs, double captureToReceiptMs) {

  /** The latencies of an event with these timings, received at {@code receivedUs} (microseconds since the epoch, same clock). */
  static EventLatency of(Timings timings, long receivedUs) {
    double captureToEventMs = timings.getCaptureToEventMs();
    double capturedUs = timings.getEventTimeUs() - 1000 * captureToEventMs;
    return new EventLatency(captureToEventMs, (receivedUs - capturedUs) / 1000);
  }
}
