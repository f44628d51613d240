package io.actionstream.training.report;

import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.ClipWindow;
import io.actionstream.training.dataset.DecodedVideo;
import io.actionstream.training.evaluation.ClipResult;
import io.actionstream.training.evaluation.Localization;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Pictures of where each network looks: for a few test clips, one row per network, one column
 * per time slice of its motion attention map. Each cell shows the middle frame of the slice,
 * the map as a heat overlay, the actor's true box (green) and the box drawn from the map (red).
 */
public final class AttentionOverlay {

  private static final int LABEL = 18;

  /** One row: a network's name and its results, index-aligned with the clips. */
  public record Row(String name, List<ClipResult> results, List<String> labels) {}

  private AttentionOverlay() {}

  public static void write(List<DecodedVideo> videos, List<Integer> clipIndices, List<Row> rows, ClipSampler sampler,
      int mapFrames, int mapHeight, int mapWidth, Path png) throws IOException {
    int size = sampler.spec().size();
    // at least 160 pixels a cell, so small crops stay readable
    int scale = Math.max(2, (159 + size) / size);
    int cell = size * scale;
    int framesPerSlice = sampler.spec().frames() / mapFrames;
    int height = clipIndices.size() * rows.size() * (cell + LABEL);
    BufferedImage image = new BufferedImage(Math.max(480, mapFrames * cell), height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int y = 0;
    for (int c = 0; c < clipIndices.size(); c++) {
      int index = clipIndices.get(c);
      DecodedVideo video = videos.get(c);
      ClipWindow window = sampler.centreWindow(video.frames(), video.size());
      for (Row row : rows) {
        ClipResult result = row.results().get(index);
        g.setColor(Color.BLACK);
        g.fillRect(0, y, image.getWidth(), LABEL);
        g.setColor(result.label() == result.predicted() ? new Color(120, 230, 120) : new Color(255, 140, 140));
        g.drawString(row.name() + ": true " + row.labels().get(result.label()) + ", predicted "
            + row.labels().get(result.predicted()), 4, y + 13);
        y += LABEL;
        for (int s = 0; s < mapFrames; s++) {
          int k = s * framesPerSlice + framesPerSlice / 2;
          int frame = sampler.frameAt(window, k, video.frames());
          g.drawImage(frameImage(video, frame, window, size), s * cell, y, cell, cell, null);
          float[] slice = new float[mapHeight * mapWidth];
          System.arraycopy(result.motionMap(), s * slice.length, slice, 0, slice.length);
          g.drawImage(heat(slice, mapHeight, mapWidth), s * cell, y, cell, cell, null);
          g.setStroke(new BasicStroke(2));
          if (result.boxes() != null) {
            g.setColor(Color.GREEN);
            float[] b = result.boxes()[k];
            g.drawRect(s * cell + (int) (b[0] * scale), y + (int) (b[1] * scale), (int) (b[2] * scale), (int) (b[3] * scale));
          }
          float[] box = Localization.boxOf(slice, mapHeight, mapWidth, size);
          g.setColor(Color.RED);
          g.drawRect(s * cell + (int) (box[0] * scale), y + (int) (box[1] * scale), (int) (box[2] * scale), (int) (box[3] * scale));
        }
        y += cell;
      }
    }
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
  }

  private static BufferedImage frameImage(DecodedVideo video, int frame, ClipWindow window, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    byte[] rgb = video.frame(frame);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int p = ((window.cropY() + y) * video.size() + window.cropX() + x) * 3;
        image.setRGB(x, y, (rgb[p] & 0xFF) << 16 | (rgb[p + 1] & 0xFF) << 8 | (rgb[p + 2] & 0xFF));
      }
    }
    return image;
  }

  /** The map as a translucent red-to-yellow overlay, strongest where attention is highest. */
  private static BufferedImage heat(float[] map, int h, int w) {
    float max = 0;
    for (float v : map) {
      max = Math.max(max, v);
    }
    BufferedImage heat = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    for (int i = 0; i < map.length; i++) {
      float v = max > 0 ? map[i] / max : 0;
      int alpha = (int) (170 * v);
      int green = (int) (255 * v);
      heat.setRGB(i % w, i / w, alpha << 24 | 255 << 16 | green << 8);
    }
    BufferedImage smooth = new BufferedImage(w * 8, h * 8, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = smooth.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setComposite(AlphaComposite.Src);
    g.drawImage(heat, 0, 0, w * 8, h * 8, null);
    g.dispose();
    return smooth;
  }
}
