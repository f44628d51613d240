package io.actionstream.inference.clip;

import io.actionstream.schemas.v1.Frame;
import java.util.List;

/**
 * The frame rate a clip's frames were taken at, and whether it is the one a model was trained
 * at. Measured from the frames' media times (the source stream's own clock), which is the rate
 * the motion was sampled at also when a file is read faster than real time; when the media times
 * do not increase (a source without timestamps), from the capture times. Sequence numbers count
 * the frames, so frames lost in transit do not lower the rate.
 */
public final class FrameRate {

  private FrameRate() {}

  /** Frames per second over the clip; NaN when neither clock moved. */
  public static double of(List<Frame> frames) {
    Frame first = frames.get(0);
    Frame last = frames.get(frames.size() - 1);
    double steps = last.getSequenceNumber() - first.getSequenceNumber();
    if (steps <= 0) {
      return Double.NaN;
    }
    long media = last.getMediaTimeUs() - first.getMediaTimeUs();
    long capture = last.getCaptureTimeUs() - first.getCaptureTimeUs();
    long span = media > 0 ? media : capture;
    return span > 0 ? steps * 1_000_000.0 / span : Double.NaN;
  }

  /** Whether {@code measured} is within {@code tolerance} (a share) of {@code expected}; an unknown rate passes. */
  public static boolean matches(double measured, double expected, double tolerance) {
    return Double.isNaN(measured) || Math.abs(measured - expected) <= tolerance * expected;
  }
}
