package io.actionstream.model.clip;

/**
 * Which of a camera's frames complete a clip: a clip is {@code frames} consecutive frames of one
 * segment, and a new one starts every {@code hop} frames, so the frames at (0-based) positions
 * {@code frames - 1}, {@code frames - 1 + hop}, ... of a segment each complete one. The inference
 * cuts clips by this rule; a camera in the same process reads it to tell the frames an event
 * waits for from those that only start the next clip.
 */
public record ClipCadence(int frames, int hop) {

  public ClipCadence {
    if (frames < 1) {
      throw new IllegalArgumentException("a clip needs at least one frame, got " + frames);
    }
    if (hop < 1 || hop > frames) {
      throw new IllegalArgumentException("the hop must be 1 to " + frames + " frames (the clip's length), got " + hop);
    }
  }

  /**
   * The cadence of {@code frames}-frame clips with {@code hop} frames between starts: 0, or more
   * than the clip's length, for the clip's length (clips neither overlap nor skip frames).
   */
  public static ClipCadence of(int frames, int hop) {
    return new ClipCadence(frames, hop > 0 ? Math.min(hop, frames) : frames);
  }

  /**
   * How many frames after the one at {@code position} of its segment the next clip completes: 0
   * when this frame completes one.
   */
  public long framesToClipEnd(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("a frame's position must not be negative, got " + position);
    }
    if (position < frames - 1) {
      return frames - 1 - position;
    }
    long past = (position - (frames - 1)) % hop;
    return past == 0 ? 0 : hop - past;
  }
}
