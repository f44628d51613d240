package io.actionstream.training.synth;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Random textured backgrounds: gradients with blobs, stripes at an angle, checkerboards, and
 * wall-and-floor scenes with clutter. Textured on purpose, so that edges everywhere compete
 * with the figures for a network's attention.
 */
final class Backgrounds {

  private Backgrounds() {}

  static BufferedImage random(Random random, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    switch (random.nextInt(4)) {
      case 0 -> gradientWithBlobs(g, random, width, height);
      case 1 -> stripes(g, random, width, height);
      case 2 -> checkerboard(g, random, width, height);
      default -> wallAndFloor(g, random, width, height);
    }
    clutter(g, random, width, height, 4 + random.nextInt(10));
    g.dispose();
    return image;
  }

  private static void gradientWithBlobs(Graphics2D g, Random random, int w, int h) {
    g.setPaint(new GradientPaint(0, 0, FigureStyle.randomColour(random), w, h, FigureStyle.randomColour(random)));
    g.fillRect(0, 0, w, h);
    for (int i = 0; i < 10 + random.nextInt(20); i++) {
      g.setColor(withAlpha(FigureStyle.randomColour(random), 60 + random.nextInt(120)));
      double r = (0.03 + 0.15 * random.nextDouble()) * w;
      g.fill(new Ellipse2D.Double(random.nextDouble() * w - r, random.nextDouble() * h - r, 2 * r, 2 * r));
    }
  }

  private static void stripes(Graphics2D g, Random random, int w, int h) {
    Color a = FigureStyle.randomColour(random);
    Color b = FigureStyle.randomColour(random);
    g.setColor(a);
    g.fillRect(0, 0, w, h);
    AffineTransform saved = g.getTransform();
    g.rotate(random.nextDouble() * Math.PI, w / 2.0, h / 2.0);
    double period = (0.04 + 0.12 * random.nextDouble()) * w;
    g.setColor(b);
    for (double x = -w; x < 2 * w; x += period) {
      g.fill(new Rectangle2D.Double(x, -h, period * (0.3 + 0.4 * random.nextDouble()), 3 * h));
    }
    g.setTransform(saved);
  }

  private static void checkerboard(Graphics2D g, Random random, int w, int h) {
    Color a = FigureStyle.randomColour(random);
    Color b = FigureStyle.randomColour(random);
    int cell = Math.max(3, (int) ((0.04 + 0.1 * random.nextDouble()) * w));
    for (int y = 0; y < h; y += cell) {
      for (int x = 0; x < w; x += cell) {
        g.setColor(((x / cell + y / cell) % 2 == 0) ? a : b);
        g.fillRect(x, y, cell, cell);
      }
    }
  }

  private static void wallAndFloor(Graphics2D g, Random random, int w, int h) {
    int horizon = (int) (h * (0.45 + 0.3 * random.nextDouble()));
    g.setColor(FigureStyle.randomColour(random));
    g.fillRect(0, 0, w, horizon);
    g.setPaint(new GradientPaint(0, horizon, FigureStyle.randomColour(random), 0, h, FigureStyle.randomColour(random)));
    g.fillRect(0, horizon, w, h - horizon);
    g.setColor(FigureStyle.randomColour(random));
    for (int i = 0; i < 2 + random.nextInt(4); i++) {
      int rw = (int) ((0.1 + 0.2 * random.nextDouble()) * w);
      int rh = (int) ((0.1 + 0.25 * random.nextDouble()) * h);
      g.fillRect((int) (random.nextDouble() * (w - rw)), (int) (random.nextDouble() * Math.max(1, horizon - rh)), rw, rh);
    }
  }

  /** Lines and small shapes of random colours: thin edges that look a little like limbs. */
  private static void clutter(Graphics2D g, Random random, int w, int h, int count) {
    for (int i = 0; i < count; i++) {
      g.setColor(FigureStyle.randomColour(random));
      g.setStroke(new java.awt.BasicStroke((float) (1 + 3 * random.nextDouble())));
      double x = random.nextDouble() * w;
      double y = random.nextDouble() * h;
      double len = (0.05 + 0.2 * random.nextDouble()) * w;
      double angle = random.nextDouble() * Math.PI;
      g.draw(new java.awt.geom.Line2D.Double(x, y, x + Math.cos(angle) * len, y + Math.sin(angle) * len));
    }
  }

  private static Color withAlpha(Color c, int alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }
}
