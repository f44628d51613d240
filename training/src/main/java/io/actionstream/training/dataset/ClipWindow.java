package io.actionstream.training.dataset;

/**
 * Where a clip is cut from a video: first frame, crop corner, whether it is mirrored
 * left-right, and whether it is played backwards (for the time-reversal test).
 */
public record ClipWindow(int start, int cropX, int cropY, boolean flip, boolean reversed) {

  public ClipWindow backwards() {
    return new ClipWindow(start, cropX, cropY, flip, !reversed);
  }
}
