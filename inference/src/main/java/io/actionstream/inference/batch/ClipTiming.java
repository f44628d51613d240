package io.actionstream.inference.batch;

/**
 * When a clip was handed to the batch scheduler, when its batch started in the network and when
 * the network answered, in microseconds since the epoch (the wall clock, as the frames' capture
 * times): what an event needs to say where its capture-to-event time went.
 */
public record ClipTiming(long submittedUs, long startedUs, long answeredUs) {

  /** Milliseconds the clip waited for its batch to start. */
  public double waitMillis() {
    return (startedUs - submittedUs) / 1000.0;
  }
}
