package io.actionstream.inference.attention;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds where a clip's attention map concentrates: the map is averaged over its time slices,
 * cells at or above {@code threshold} of the maximum are kept, split into 4-connected regions,
 * and each region becomes a box (cell bounds, in model-input pixels) with the attention mass it
 * holds. The same threshold (0.3) scored the localization of the shipped model in training.
 */
public final class AttentionBoxes {

  public static final double DEFAULT_THRESHOLD = 0.3;

  private final double threshold;
  private final int maxBoxes;
  private final double minMass;

  public AttentionBoxes(double threshold, int maxBoxes, double minMass) {
    this.threshold = threshold;
    this.maxBoxes = maxBoxes;
    this.minMass = minMass;
  }

  /** The map averaged over time: {@code height x width}, summing to 1 when the map does. */
  public static float[] averageOverTime(float[] map, int offset, int frames, int height, int width) {
    float[] mean = new float[height * width];
    for (int t = 0; t < frames; t++) {
      for (int i = 0; i < mean.length; i++) {
        mean[i] += map[offset + t * mean.length + i];
      }
    }
    return mean;
  }

  /**
   * Regions of a time-averaged map of {@code height x width} cells over a model input of
   * {@code inputHeight x inputWidth} pixels, largest mass first.
   */
  public List<AttentionRegion> regions(float[] mean, int height, int width, int inputHeight, int inputWidth) {
    float max = 0;
    for (float v : mean) {
      max = Math.max(max, v);
    }
    if (max <= 0) {
      return List.of();
    }
    double cut = threshold * max;
    boolean[] seen = new boolean[mean.length];
    double cellW = (double) inputWidth / width;
    double cellH = (double) inputHeight / height;
    List<AttentionRegion> regions = new ArrayList<>();
    for (int start = 0; start < mean.length; start++) {
      if (seen[start] || mean[start] < cut) {
        continue;
      }
      int x0 = width;
      int y0 = height;
      int x1 = -1;
      int y1 = -1;
      double mass = 0;
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      queue.add(start);
      seen[start] = true;
      while (!queue.isEmpty()) {
        int p = queue.poll();
        int x = p % width;
        int y = p / width;
        mass += mean[p];
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
        int[] neighbours = {x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1};
        for (int q : neighbours) {
          if (q >= 0 && !seen[q] && mean[q] >= cut) {
            seen[q] = true;
            queue.add(q);
          }
        }
      }
      if (mass >= minMass) {
        regions.add(new AttentionRegion(x0 * cellW, y0 * cellH, (x1 + 1) * cellW, (y1 + 1) * cellH, mass));
      }
    }
    regions.sort(Comparator.comparingDouble(AttentionRegion::mass).reversed());
    return regions.size() > maxBoxes ? List.copyOf(regions.subList(0, maxBoxes)) : List.copyOf(regions);
  }

  /** The map as bytes, {@code value / max * 255}, for a small picture in the event. */
  public static byte[] quantize(float[] mean, float max) {
    byte[] out = new byte[mean.length];
    for (int i = 0; i < mean.length; i++) {
      out[i] = (byte) Math.round(max > 0 ? Math.min(1, mean[i] / max) * 255 : 0);
    }
    return out;
  }
}
