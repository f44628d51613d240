package io.actionstream.training.evaluation;

import io.actionstream.model.ModelSpec;
import io.actionstream.model.attention.AttentionBoxes;
import io.actionstream.schemas.v1.AttentionBox;
import java.util.List;

/**
 * How well the motion attention map finds the actor, scored on the boxes serving would put in
 * the clip's event: {@link AttentionBoxes#defaults()} over the clip's map, in normalized source
 * coordinates, against the union of the actor's boxes over the clip's frames.
 *
 * <ul>
 *   <li><b>IoU</b>: of the event's first box (the one holding most attention) with the truth.
 *   <li><b>Pointing game</b>: a hit when the peak cell of the time-averaged map lies within the
 *       true box (expanded by half a cell, the map's own resolution).
 * </ul>
 *
 * The box settings were fixed before any result was seen and are the same for every model.
 */
public record Localization(double meanIou, double iouAbove50, double pointingGame, int clips) {

  /** Share of the map's maximum that counts as attended. */
  public static final double THRESHOLD = AttentionBoxes.DEFAULT_THRESHOLD;

  private static final AttentionBoxes BOXES = AttentionBoxes.defaults();

  public static Localization of(List<ClipResult> results, ModelSpec spec) {
    double iouSum = 0;
    int above = 0;
    double hits = 0;
    int clips = 0;
    for (ClipResult result : results) {
      if (result.boxes() == null) {
        continue;
      }
      float[] truth = truth(result);
      if (truth[2] <= 0 || truth[3] <= 0) {
        continue;
      }
      List<AttentionBox> boxes = boxesOf(result, spec);
      double iou = boxes.isEmpty() ? 0 : iou(boxes.get(0), truth);
      iouSum += iou;
      above += iou >= 0.5 ? 1 : 0;
      hits += pointsInto(result, spec, truth);
      clips++;
    }
    return clips == 0
        ? new Localization(Double.NaN, Double.NaN, Double.NaN, 0)
        : new Localization(iouSum / clips, (double) above / clips, hits / clips, clips);
  }

  /** The boxes an event for this clip carries: what {@link #of} scores. */
  public static List<AttentionBox> boxesOf(ClipResult result, ModelSpec spec) {
    return BOXES.boxes(result.map(), 0, spec, result.geometry());
  }

  /**
   * 1 when the peak cell of the time-averaged map is in the box, 0 when not; when several cells
   * share the peak (a flat map), the share of them that are in it: the expected hit of picking one.
   */
  private static double pointsInto(ClipResult result, ModelSpec spec, float[] box) {
    int h = spec.mapHeight();
    int w = spec.mapWidth();
    float[] mean = AttentionBoxes.averageOverTime(result.map(), 0, spec.mapFrames(), h, w);
    float max = Float.NEGATIVE_INFINITY;
    for (float v : mean) {
      max = Math.max(max, v);
    }
    int peaks = 0;
    int inside = 0;
    for (int i = 0; i < mean.length; i++) {
      if (mean[i] == max) {
        peaks++;
        inside += cellInside(result, spec, i % w, i / w, box) ? 1 : 0;
      }
    }
    return (double) inside / peaks;
  }

  /** Whether the centre of map cell (x, y) lies within {@code box}, expanded by half a cell. */
  static boolean cellInside(ClipResult result, ModelSpec spec, int x, int y, float[] box) {
    double cellW = (double) spec.width() / spec.mapWidth();
    double cellH = (double) spec.height() / spec.mapHeight();
    double px = result.geometry().x((x + 0.5) * cellW);
    double py = result.geometry().y((y + 0.5) * cellH);
    double toleranceX = Math.abs(result.geometry().ax()) * cellW / 2;
    double toleranceY = Math.abs(result.geometry().ay()) * cellH / 2;
    return px >= box[0] - toleranceX && px <= box[0] + box[2] + toleranceX
        && py >= box[1] - toleranceY && py <= box[1] + box[3] + toleranceY;
  }

  /** The actor's box over the whole clip: the union of its boxes in the clip's frames. */
  static float[] truth(ClipResult result) {
    return union(result.boxes(), 0, result.boxes().length);
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

  static double iou(AttentionBox a, float[] b) {
    return iou(new float[] {a.getXMin(), a.getYMin(), a.getXMax() - a.getXMin(), a.getYMax() - a.getYMin()}, b);
  }

  static double iou(float[] a, float[] b) {
    double ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
    double iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
    double intersection = ix * iy;
    double union = (double) a[2] * a[3] + (double) b[2] * b[3] - intersection;
    return union <= 0 ? 0 : intersection / union;
  }
}
