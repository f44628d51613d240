package io.actionstream.training.dataset;

/**
 * What a network is fed: {@code frames} frames taken every {@code stride} decoded frames,
 * cropped to {@code size x size}, RGB scaled to [0, 1] then normalized per channel with {@code
 * mean} and {@code std}. The same numbers go into the exported model's metadata so that
 * inference prepares frames the same way.
 */
public record ClipSpec(int frames, int stride, int size, float[] mean, float[] std) {

  public static final float[] MEAN = {0.45f, 0.45f, 0.45f};
  public static final float[] STD = {0.225f, 0.225f, 0.225f};

  public ClipSpec {
    mean = mean.clone();
    std = std.clone();
  }

  public static ClipSpec of(int frames, int stride, int size) {
    return new ClipSpec(frames, stride, size, MEAN, STD);
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  /** Decoded frames a clip spans. */
  public int span() {
    return (frames - 1) * stride + 1;
  }
}
