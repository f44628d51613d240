package io.actionstream.training.evaluation;

import java.util.ArrayDeque;
import java.util.List;

/**
 * How well the motion attention map finds the actor, scored per time slice of the map against
 * the union of the actor's boxes in the frames that slice covers.
 *
 * <ul>
 *   <li><b>IoU</b>: the slice is upsampled (bilinear) to the clip size, thresholded at {@value
 *       #THRESHOLD} of its maximum; the connected region holding the maximum gives the box,
 *       compared with the ground truth by intersection over union.
 *   <li><b>Pointing game</b>: a hit when the map's peak cell lies within the box (expanded by
 *       half a cell, the map's own resolution).
 * </ul>
 *
 * The threshold was fixed before any result was seen and is the same for every model.
 */
public record Localization(double meanIou, double iouAbove50, double pointingGame, int slices) {

  /** Share of the map's maximum that counts as attended. */
  public static final double THRESHOLD = 0.3;

  public static Localization of(List<ClipResult> results, int frames, int mapFrames, int mapHeight, int mapWidth, int size) {
    double iouSum = 0;
    int above = 0;
    int hits = 0;
    int slices = 0;
    int framesPerSlice = frames / mapFrames;
    for (ClipResult result : results) {
      if (result.boxes() == null) {
        continue;
      }
      for (int s = 0; s < mapFrames; s++) {
        float[] truth = union(result.boxes(), s * framesPerSlice, (s + 1) * framesPerSlice);
        if (truth[2] <= 0 || truth[3] <= 0) {
          continue;
        }
        float[] slice = new float[mapHeight * mapWidth];
        System.arraycopy(result.motionMap(), s * slice.length, slice, 0, slice.length);
        float[] box = boxOf(slice, mapHeight, mapWidth, size);
        double iou = iou(box, truth);
        iouSum += iou;
        above += iou >= 0.5 ? 1 : 0;
        hits += pointsInto(slice, mapHeight, mapWidth, size, truth) ? 1 : 0;
        slices++;
      }
    }
    return slices == 0
        ? new Localization(Double.NaN, Double.NaN, Double.NaN, 0)
        : new Localization(iouSum / slices, (double) above / slices, (double) hits / slices, slices);
  }

  /** The box {x, y, w, h} in clip pixels around the attended region holding the peak. */
  public static float[] boxOf(float[] slice, int mapHeight, int mapWidth, int size) {
    float[] up = upsample(slice, mapHeight, mapWidth, size);
    int peak = 0;
    for (int i = 1; i < up.length; i++) {
      if (up[i] > up[peak]) {
        peak = i;
      }
    }
    double threshold = THRESHOLD * up[peak];
    boolean[] seen = new boolean[up.length];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(peak);
    seen[peak] = true;
    int x0 = size;
    int y0 = size;
    int x1 = -1;
    int y1 = -1;
    while (!queue.isEmpty()) {
      int p = queue.poll();
      int x = p % size;
      int y = p / size;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
      int[][] neighbours = {{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}};
      for (int[] n : neighbours) {
        if (n[0] >= 0 && n[0] < size && n[1] >= 0 && n[1] < size) {
          int q = n[1] * size + n[0];
          if (!seen[q] && up[q] >= threshold) {
            seen[q] = true;
            queue.add(q);
          }
        }
      }
    }
    return new float[] {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
  }

  /** Bilinear upsampling of a map whose cells are centred at ((j + 0.5) * size / width, ...). */
  static float[] upsample(float[] map, int h, int w, int size) {
    float[] out = new float[size * size];
    for (int y = 0; y < size; y++) {
      double my = Math.max(0, Math.min(h - 1, (y + 0.5) * h / size - 0.5));
      int y0 = (int) Math.floor(my);
      int y1 = Math.min(h - 1, y0 + 1);
      double fy = my - y0;
      for (int x = 0; x < size; x++) {
        double mx = Math.max(0, Math.min(w - 1, (x + 0.5) * w / size - 0.5));
        int x0 = (int) Math.floor(mx);
        int x1 = Math.min(w - 1, x0 + 1);
        double fx = mx - x0;
        double top = map[y0 * w + x0] * (1 - fx) + map[y0 * w + x1] * fx;
        double bottom = map[y1 * w + x0] * (1 - fx) + map[y1 * w + x1] * fx;
        out[y * size + x] = (float) (top * (1 - fy) + bottom * fy);
      }
    }
    return out;
  }

  private static boolean pointsInto(float[] slice, int h, int w, int size, float[] box) {
    int peak = 0;
    for (int i = 1; i < slice.length; i++) {
      if (slice[i] > slice[peak]) {
        peak = i;
      }
    }
    double cell = (double) size / w;
    double px = (peak % w + 0.5) * cell;
    double py = (peak / w + 0.5) * size / h;
    double tolerance = cell / 2;
    return px >= box[0] - tolerance && px <= box[0] + box[2] + tolerance
        && py >= box[1] - tolerance && py <= box[1] + box[3] + tolerance;
  }

  static float[] union(float[][] boxes, int from, int to) {
    float x0 = Float.MAX_VALUE;
    float y0 = Float.MAX_VALUE;
    float x1 = -Float.MAX_VALUE;
    float y1 = -Float.MAX_VALUE;
    for (int t = from; t < Math.min(to, boxes.length); t++) {
      float[] b = boxes[t];
      if (b[2] <= 0 || b[3] <= 0) {
        continue;
      }
      x0 = Math.min(x0, b[0]);
      y0 = Math.min(y0, b[1]);
      x1 = Math.max(x1, b[0] + b[2]);
      y1 = Math.max(y1, b[1] + b[3]);
    }
    return x1 < x0 ? new float[] {0, 0, 0, 0} : new float[] {x0, y0, x1 - x0, y1 - y0};
  }

  static double iou(float[] a, float[] b) {
    double ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
    double iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
    double intersection = ix * iy;
    double union = (double) a[2] * a[3] + (double) b[2] * b[3] - intersection;
    return union <= 0 ? 0 : intersection / union;
  }
}
