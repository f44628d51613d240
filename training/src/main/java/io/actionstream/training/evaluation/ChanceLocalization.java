package io.actionstream.training.evaluation;

import io.actionstream.model.ModelSpec;
import io.actionstream.schemas.v1.AttentionBox;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What localization scores without looking at the clip, on the same clips and scored the same
 * way as a network ({@link Localization}): a uniform attention map, a centre prior (a Gaussian
 * map centred in the frame, a quarter of the map wide) and, for a network, random boxes of the
 * sizes that network's first boxes have, placed anywhere in the crop (with a random cell as the
 * pointing-game peak). A localization score means something only above these.
 */
public record ChanceLocalization(Localization uniform, Localization centrePrior, Localization randomBoxes) {

  private static final int DRAWS = 20;

  /** Chance levels for the clips of {@code results} (a network's), with {@code seed} for the random boxes. */
  public static ChanceLocalization of(List<ClipResult> results, ModelSpec spec, long seed) {
    int cells = spec.mapSize();
    float[] uniform = new float[cells];
    java.util.Arrays.fill(uniform, 1f / cells);
    float[] centre = centrePrior(spec);
    List<ClipResult> flat = new ArrayList<>();
    List<ClipResult> centred = new ArrayList<>();
    for (ClipResult r : results) {
      flat.add(withMap(r, uniform));
      centred.add(withMap(r, centre));
    }
    return new ChanceLocalization(Localization.of(flat, spec), Localization.of(centred, spec), randomBoxes(results, spec, seed));
  }

  private static ClipResult withMap(ClipResult r, float[] map) {
    return new ClipResult(r.label(), r.predicted(), r.probabilities(), map, r.boxes(), r.geometry(), r.reversedPredicted());
  }

  /** A Gaussian bump at the centre of every time slice, summing to 1. */
  static float[] centrePrior(ModelSpec spec) {
    int h = spec.mapHeight();
    int w = spec.mapWidth();
    float[] map = new float[spec.mapSize()];
    double sx = w / 4.0;
    double sy = h / 4.0;
    double sum = 0;
    for (int t = 0; t < spec.mapFrames(); t++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double dx = (x + 0.5 - w / 2.0) / sx;
          double dy = (y + 0.5 - h / 2.0) / sy;
          double v = Math.exp(-0.5 * (dx * dx + dy * dy));
          map[(t * h + y) * w + x] = (float) v;
          sum += v;
        }
      }
    }
    for (int i = 0; i < map.length; i++) {
      map[i] /= (float) sum;
    }
    return map;
  }

  private static Localization randomBoxes(List<ClipResult> results, ModelSpec spec, long seed) {
    Random random = new Random(seed);
    double iouSum = 0;
    double above = 0;
    double hits = 0;
    int clips = 0;
    for (ClipResult r : results) {
      if (r.boxes() == null) {
        continue;
      }
      float[] truth = Localization.truth(r);
      if (truth[2] <= 0 || truth[3] <= 0) {
        continue;
      }
      List<AttentionBox> boxes = Localization.boxesOf(r, spec);
      // the crop's extent in source coordinates
      double x0 = r.geometry().x(0);
      double y0 = r.geometry().y(0);
      double x1 = r.geometry().x(spec.width());
      double y1 = r.geometry().y(spec.height());
      double bw = boxes.isEmpty() ? 0 : boxes.get(0).getXMax() - boxes.get(0).getXMin();
      double bh = boxes.isEmpty() ? 0 : boxes.get(0).getYMax() - boxes.get(0).getYMin();
      for (int d = 0; d < DRAWS; d++) {
        double bx = x0 + random.nextDouble() * Math.max(0, x1 - x0 - bw);
        double by = y0 + random.nextDouble() * Math.max(0, y1 - y0 - bh);
        double iou = Localization.iou(new float[] {(float) bx, (float) by, (float) bw, (float) bh}, truth);
        iouSum += iou / DRAWS;
        above += (iou >= 0.5 ? 1.0 : 0.0) / DRAWS;
        hits += (Localization.cellInside(r, spec, random.nextInt(spec.mapWidth()), random.nextInt(spec.mapHeight()), truth) ? 1.0 : 0.0)
            / DRAWS;
      }
      clips++;
    }
    return clips == 0 ? new Localization(Double.NaN, Double.NaN, Double.NaN, 0)
        : new Localization(iouSum / clips, above / clips, hits / clips, clips);
  }
}
