package io.actionstream.training.synth;

import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Renders one SynthActions clip: a textured background, one actor performing the action, one or
 * more still distractor figures drawn from the same look, camera shake and sensor noise. Also
 * returns the actor's box in every frame, for scoring attention localization.
 */
public final class ClipRenderer {

  /** The frames of a clip and the actor's box in each (pixels, clipped to the frame). */
  public record RenderedClip(List<BufferedImage> frames, List<Rectangle> actorBoxes) {}

  private final SynthOptions options;

  public ClipRenderer(SynthOptions options) {
    this.options = options;
  }

  public RenderedClip render(ActionClass action, long clipSeed) {
    // Random's first draws are alike for neighbouring seeds; SplittableRandom mixes the seed.
    Random random = new Random(new java.util.SplittableRandom(clipSeed).nextLong());
    int size = options.size();
    int margin = (int) Math.ceil(options.jitter()) + 1;
    BufferedImage background = Backgrounds.random(random, size + 2 * margin, size + 2 * margin);

    double actorHeight = size * (0.38 + 0.17 * random.nextDouble());
    FigureStyle actorStyle = FigureStyle.random(random, actorHeight);
    double ground = size * (0.78 + 0.17 * random.nextDouble());
    Choreography choreography = Choreography.plan(action, random, options.frames(), size, actorHeight);

    int distractorCount = options.maxDistractors() == 0 ? 0 : 1 + random.nextInt(options.maxDistractors());
    List<Figure> distractors = new ArrayList<>();
    for (int i = 0; i < distractorCount; i++) {
      double height = size * (0.38 + 0.17 * random.nextDouble());
      double x = height * 0.35 + random.nextDouble() * (size - height * 0.7);
      double y = size * (0.75 + 0.2 * random.nextDouble());
      distractors.add(new Figure(FigureStyle.random(random, height), Choreography.stillPose(random), x, y));
    }
    // Some distractors stand in front of the actor, some behind.
    int actorLayer = random.nextInt(distractorCount + 1);
    double noise = options.noise() * (0.5 + random.nextDouble());

    List<BufferedImage> frames = new ArrayList<>();
    List<Rectangle> boxes = new ArrayList<>();
    double shakeX = 0;
    double shakeY = 0;
    for (int t = 0; t < options.frames(); t++) {
      shakeX = clamp(shakeX + random.nextGaussian() * options.jitter() * 0.4, options.jitter());
      shakeY = clamp(shakeY + random.nextGaussian() * options.jitter() * 0.4, options.jitter());
      Choreography.Step step = choreography.at(t);
      Figure actor = new Figure(actorStyle, step.pose(), step.x(), ground);

      BufferedImage frame = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = frame.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.drawImage(background, (int) Math.round(-margin + shakeX), (int) Math.round(-margin + shakeY), null);
      for (int layer = 0; layer <= distractorCount; layer++) {
        if (layer == actorLayer) {
          actor.draw(g, shakeX, shakeY);
        }
        if (layer < distractorCount) {
          distractors.get(layer).draw(g, shakeX, shakeY);
        }
      }
      g.dispose();
      addNoise(frame, random, noise, 1 + 0.03 * random.nextGaussian());
      frames.add(frame);

      Rectangle2D box = actor.bounds();
      boxes.add(clipToFrame(box, shakeX, shakeY, size));
    }
    return new RenderedClip(frames, boxes);
  }

  private static Rectangle clipToFrame(Rectangle2D box, double dx, double dy, int size) {
    int x0 = (int) Math.max(0, Math.floor(box.getMinX() + dx));
    int y0 = (int) Math.max(0, Math.floor(box.getMinY() + dy));
    int x1 = (int) Math.min(size, Math.ceil(box.getMaxX() + dx));
    int y1 = (int) Math.min(size, Math.ceil(box.getMaxY() + dy));
    return new Rectangle(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
  }

  /** Gaussian sensor noise and a small brightness flicker, in place. */
  private static void addNoise(BufferedImage frame, Random random, double sigma, double gain) {
    byte[] pixels = ((DataBufferByte) frame.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < pixels.length; i++) {
      double v = (pixels[i] & 0xFF) * gain + random.nextGaussian() * sigma;
      pixels[i] = (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
    }
  }

  private static double clamp(double value, double limit) {
    return Math.max(-limit, Math.min(limit, value));
  }
}
