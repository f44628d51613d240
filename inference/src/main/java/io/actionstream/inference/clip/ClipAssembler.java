package io.actionstream.inference.clip;

import io.actionstream.model.clip.ClipCadence;

/**
 * The rules that cut a camera's frames into clips. A clip is {@code frames} consecutive frames
 * of one ingest session and segment; a new clip starts every {@code hop} frames (hop = frames:
 * no overlap), as a {@link ClipCadence} says. A clip never spans a discontinuity: a new session
 * (the camera's ingest restarted), a new segment (a reconnect or a file loop), a gap in sequence
 * numbers larger than {@code gapTolerance} missing frames, or a frame older than the last one
 * each throw away the clip being filled and start a new one with this frame. A repeated frame
 * is ignored.
 */
public final class ClipAssembler {

  /** What a frame did to the camera's clips. */
  public enum Outcome {
    APPENDED,
    COMPLETED_CLIP,
    DUPLICATE,
    NEW_SESSION,
    NEW_SEGMENT,
    GAP,
    OUT_OF_ORDER,
    FIRST_FRAME
  }

  private final int gapTolerance;

  public ClipAssembler(int gapTolerance) {
    if (gapTolerance < 0) {
      throw new IllegalArgumentException("the gap tolerance must not be negative");
    }
    this.gapTolerance = gapTolerance;
  }

  /**
   * Adds a frame (with its offset in the frames topic) to the state; complete clips are appended to {@link ClipState#ready()}.
   * Returns what happened; the caller stores the frame unless the outcome is {@link
   * Outcome#DUPLICATE}, and may then drop frames the state no longer {@linkplain
   * ClipState#references references}.
   */
  public Outcome add(ClipState state, String sessionId, int segment, long sequence, long offset, ClipCadence cadence) {
    Outcome outcome;
    if (state.lastSequence() < 0 && state.partial().isEmpty()) {
      outcome = Outcome.FIRST_FRAME;
    } else if (!sessionId.equals(state.sessionId())) {
      outcome = Outcome.NEW_SESSION;
    } else if (segment != state.segment()) {
      outcome = Outcome.NEW_SEGMENT;
    } else if (sequence == state.lastSequence()) {
      return Outcome.DUPLICATE;
    } else if (sequence < state.lastSequence()) {
      outcome = Outcome.OUT_OF_ORDER;
    } else if (sequence - state.lastSequence() - 1 > gapTolerance) {
      outcome = Outcome.GAP;
    } else {
      outcome = Outcome.APPENDED;
    }
    if (outcome != Outcome.APPENDED) {
      state.restart(sessionId, segment);
    }
    state.append(sequence, offset);
    if (state.partial().size() >= cadence.frames()) {
      state.completeClip(cadence);
      return Outcome.COMPLETED_CLIP;
    }
    return outcome;
  }
}
