package io.actionstream.model.clip;

/**
 * Maps a point of the model's input (pixels of the {@code height x width} crop) to the source
 * camera frame, normalized to [0, 1]: {@code x = ax * modelX + bx}, {@code y = ay * modelY +
 * by}. It undoes, in order, the model's own resize and crop and the ingest's resize, crop or
 * padding recorded in the frame.
 */
public record FrameGeometry(double ax, double bx, double ay, double by) {

  public double x(double modelX) {
    return clamp(xUnclamped(modelX));
  }

  public double y(double modelY) {
    return clamp(yUnclamped(modelY));
  }

  /** As {@link #x}, but beyond [0, 1] where the model's input covers the ingest's padding. */
  public double xUnclamped(double modelX) {
    return ax * modelX + bx;
  }

  /** As {@link #y}, but beyond [0, 1] where the model's input covers the ingest's padding. */
  public double yUnclamped(double modelY) {
    return ay * modelY + by;
  }

  /** The model-input x of a normalized source x: the inverse of {@link #x}, not clamped. */
  public double modelX(double sourceX) {
    return (sourceX - bx) / ax;
  }

  /** The model-input y of a normalized source y: the inverse of {@link #y}, not clamped. */
  public double modelY(double sourceY) {
    return (sourceY - by) / ay;
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
