package io.actionstream.ingest.sampling;

/**
 * Keeps the frames of a stream that a target frame rate calls for, judged by their timestamps
 * rather than by counting, so that variable-rate and lossy sources are sampled evenly.
 *
 * <p>Time is cut into slots of {@code 1/fps} from the first frame; the first frame of each slot
 * is kept. A source slower than the target keeps every frame. A timestamp that jumps backwards
 * (a stream that restarted without notice) starts the slots again.
 */
public final class FrameRateSampler {

  private final double fps;
  private long originUs = Long.MIN_VALUE;
  private long lastSlot;
  private long lastTimestampUs;

  public FrameRateSampler(double fps) {
    if (!(fps > 0)) {
      throw new IllegalArgumentException("fps must be positive, got " + fps);
    }
    this.fps = fps;
  }

  /** Whether the frame with this presentation time (microseconds) is kept. */
  public boolean accept(long timestampUs) {
    if (originUs == Long.MIN_VALUE || timestampUs < lastTimestampUs) {
      originUs = timestampUs;
      lastSlot = 0;
      lastTimestampUs = timestampUs;
      return true;
    }
    lastTimestampUs = timestampUs;
    // The small epsilon keeps timestamps that fall exactly on a slot boundary in that slot
    // despite rounding in the container's time base.
    long slot = (long) Math.floor((timestampUs - originUs) * fps / 1_000_000.0 + 1e-6);
    if (slot > lastSlot) {
      lastSlot = slot;
      return true;
    }
    return false;
  }

  /** Forgets the stream, e.g. after the source was reopened. */
  public void reset() {
    originUs = Long.MIN_VALUE;
  }
}
