package io.actionstream.training.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The actor's box in every frame of a video, in source-frame coordinates normalized to [0, 1]
 * (the coordinates events carry): x, y, width and height per frame.
 */
public record BoxTrack(float[][] boxes) {

  /** Reads "frame x y width height" lines in source pixels of a {@code sourceWidth x sourceHeight} video. */
  public static BoxTrack read(Path file, int sourceWidth, int sourceHeight) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new DatasetException("cannot read box file " + file + ": " + e.getMessage(), e);
    }
    float[][] boxes = new float[lines.size()][];
    for (int i = 0; i < lines.size(); i++) {
      String[] parts = lines.get(i).trim().split("\\s+");
      if (parts.length != 5) {
        throw new DatasetException(file + " line " + (i + 1) + ": expected 'frame x y width height'");
      }
      int frame = Integer.parseInt(parts[0]);
      if (frame != i) {
        throw new DatasetException(file + " line " + (i + 1) + ": expected frame " + i + ", got " + frame);
      }
      double x0 = clamp(Double.parseDouble(parts[1]) / sourceWidth);
      double y0 = clamp(Double.parseDouble(parts[2]) / sourceHeight);
      double x1 = clamp((Double.parseDouble(parts[1]) + Double.parseDouble(parts[3])) / sourceWidth);
      double y1 = clamp((Double.parseDouble(parts[2]) + Double.parseDouble(parts[4])) / sourceHeight);
      boxes[i] = new float[] {(float) x0, (float) y0, (float) Math.max(0, x1 - x0), (float) Math.max(0, y1 - y0)};
    }
    return new BoxTrack(boxes);
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }

  public int frames() {
    return boxes.length;
  }

  /** The box of frame {@code t} (the last one for frames beyond the track). */
  public float[] at(int t) {
    return boxes[Math.min(t, boxes.length - 1)];
  }
}
