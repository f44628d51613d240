package io.actionstream.model.attention;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32S;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgproc.CC_STAT_HEIGHT;
import static org.bytedeco.opencv.global.opencv_imgproc.CC_STAT_LEFT;
import static org.bytedeco.opencv.global.opencv_imgproc.CC_STAT_TOP;
import static org.bytedeco.opencv.global.opencv_imgproc.CC_STAT_WIDTH;
import static org.bytedeco.opencv.global.opencv_imgproc.connectedComponentsWithStats;

import io.actionstream.model.ModelSpec;
import io.actionstream.model.clip.FrameGeometry;
import io.actionstream.schemas.v1.AttentionBox;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The one way from a clip's attention map to boxes, used for the boxes every event carries and
 * for every localization score a training report gives: the map is averaged over its time
 * slices, cells at or above {@code threshold} of the maximum are kept and split into 4-connected
 * regions (OpenCV's connected components), and each region becomes a box (cell bounds) with the
 * share of the attention mass it holds, largest mass first; boxes are mapped to normalized
 * source-frame coordinates through the clip's {@link FrameGeometry}.
 */
public final class AttentionBoxes {

  public static final double DEFAULT_THRESHOLD = 0.3;
  public static final int DEFAULT_MAX_BOXES = 3;
  public static final double DEFAULT_MIN_MASS = 0.05;

  private final double threshold;
  private final int maxBoxes;
  private final double minMass;

  public AttentionBoxes(double threshold, int maxBoxes, double minMass) {
    this.threshold = threshold;
    this.maxBoxes = maxBoxes;
    this.minMass = minMass;
  }

  /** The settings events and reports use unless told otherwise. */
  public static AttentionBoxes defaults() {
    return new AttentionBoxes(DEFAULT_THRESHOLD, DEFAULT_MAX_BOXES, DEFAULT_MIN_MASS);
  }

  /**
   * The boxes of the clip whose map starts at {@code attention[offset]}, in normalized
   * source-frame coordinates, largest mass first.
   */
  public List<AttentionBox> boxes(float[] attention, int offset, ModelSpec spec, FrameGeometry geometry) {
    float[] mean = averageOverTime(attention, offset, spec.mapFrames(), spec.mapHeight(), spec.mapWidth());
    List<AttentionBox> boxes = new ArrayList<>();
    for (AttentionRegion region : regions(mean, spec.mapHeight(), spec.mapWidth(), spec.height(), spec.width())) {
      boxes.add(AttentionBox.newBuilder()
          .setXMin((float) geometry.x(region.x0())).setYMin((float) geometry.y(region.y0()))
          .setXMax((float) geometry.x(region.x1())).setYMax((float) geometry.y(region.y1()))
          .setMass((float) region.mass())
          .build());
    }
    return boxes;
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
    byte[] attended = new byte[mean.length];
    for (int i = 0; i < mean.length; i++) {
      attended[i] = (byte) (mean[i] >= cut ? 1 : 0);
    }
    double cellW = (double) inputWidth / width;
    double cellH = (double) inputHeight / height;
    List<AttentionRegion> regions = new ArrayList<>();
    try (Mat mask = new Mat(height, width, CV_8U); Mat labels = new Mat(); Mat stats = new Mat(); Mat centroids = new Mat(height, width, CV_32F)) {
      mask.data().put(attended);
      int count = connectedComponentsWithStats(mask, labels, stats, centroids, 4, CV_32S);
      double[] mass = new double[count];
      try (IntIndexer label = labels.createIndexer()) {
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            mass[label.get(y, x)] += mean[y * width + x];
          }
        }
      }
      try (IntIndexer stat = stats.createIndexer()) {
        // component 0 is the background
        for (int c = 1; c < count; c++) {
          if (mass[c] < minMass) {
            continue;
          }
          int x0 = stat.get(c, CC_STAT_LEFT);
          int y0 = stat.get(c, CC_STAT_TOP);
          regions.add(new AttentionRegion(x0 * cellW, y0 * cellH, (x0 + stat.get(c, CC_STAT_WIDTH)) * cellW,
              (y0 + stat.get(c, CC_STAT_HEIGHT)) * cellH, mass[c]));
        }
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
