package io.actionstream.training.report;

import io.actionstream.model.clip.FrameGeometry;
import io.actionstream.schemas.v1.AttentionBox;
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
 * the map as a heat overlay, the actor's true box (green) and the clip's first attention box, as
 * its event would carry it (red).
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
      ClipWindow window = sampler.centreWindow(video);
      for (Row row : rows) {
        ClipResult result = row.results().get(index);
        g.setColor(Color.BLACK);
        g.fillRect(0, y, image.getWidth(), LABEL);
        g.setColor(result.label() == result.predicted() ? new Color(120, 230, 120) : new Color(255, 140, 140));
        g.drawString(row.name() + ": true " + row.labels().get(result.label()) + ", predicted "
            + row.labels().get(result.predicted()), 4, y + 13);
        y += LABEL;
        List<AttentionBox> boxes = Localization.boxesOf(result, sampler.model());
        for (int s = 0; s < mapFrames; s++) {
          int k = s * framesPerSlice + framesPerSlice / 2;
          int frame = sampler.frameAt(window, k, video.frames());
          g.drawImage(frameImage(video, frame, window, size), s * cell, y, cell, cell, null);
          float[] slice = new float[mapHeight * mapWidth];
          System.arraycopy(result.map(), s * slice.length, slice, 0, slice.length);
          g.drawImage(heat(slice, mapHeight, mapWidth), s * cell, y, cell, cell, null);
          g.setStroke(new BasicStroke(2));
          FrameGeometry geometry = result.geometry();
          if (result.boxes() != null) {
            g.setColor(Color.GREEN);
            float[] b = result.boxes()[k];
            drawBox(g, geometry, b[0], b[1], b[0] + b[2], b[1] + b[3], s * cell, y, scale);
          }
          if (!boxes.isEmpty()) {
            AttentionBox box = boxes.get(0);
            g.setColor(Color.RED);
            drawBox(g, geometry, box.getXMin(), box.getYMin(), box.getXMax(), box.getYMax(), s * cell, y, scale);
          }
        }
        y += cell;
      }
    }
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
  }

  /** A box given in normalized source coordinates, drawn in the clip's (scaled) pixels. */
  private static void drawBox(Graphics2D g, FrameGeometry geometry, double x0, double y0, double x1, double y1, int left, int top,
      int scale) {
    int px0 = (int) Math.round(geometry.modelX(x0) * scale);
    int py0 = (int) Math.round(geometry.modelY(y0) * scale);
    int px1 = (int) Math.round(geometry.modelX(x1) * scale);
    int py1 = (int) Math.round(geometry.modelY(y1) * scale);
    g.drawRect(left + px0, top + py0, px1 - px0, py1 - py0);
  }

  private static BufferedImage frameImage(DecodedVideo video, int frame, ClipWindow window, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    byte[] bgr = video.picture(frame).crop(window.cropX(), window.cropY(), size, size, false);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int p = (y * size + x) * 3;
        image.setRGB(x, y, (bgr[p + 2] & 0xFF) << 16 | (bgr[p + 1] & 0xFF) << 8 | (bgr[p] & 0xFF));
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
