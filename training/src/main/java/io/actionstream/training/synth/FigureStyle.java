package io.actionstream.training.synth;

import java.awt.Color;
import java.util.Random;

/**
 * How one figure looks: its height in pixels, limb thickness and colours. Actor and distractors
 * are drawn from the same distribution, so appearance alone does not tell them apart.
 */
public record FigureStyle(double height, float thickness, Color shirt, Color trousers, Color skin) {

  public static FigureStyle random(Random random, double height) {
    return new FigureStyle(
        height,
        (float) Math.max(2, height * (0.07 + 0.03 * random.nextDouble())),
        randomColour(random),
        randomColour(random),
        SKIN[random.nextInt(SKIN.length)]);
  }

  private static final Color[] SKIN = {
    new Color(255, 219, 172), new Color(241, 194, 125), new Color(224, 172, 105),
    new Color(198, 134, 66), new Color(141, 85, 36), new Color(92, 58, 30)
  };

  static Color randomColour(Random random) {
    return Color.getHSBColor(random.nextFloat(), 0.3f + 0.7f * random.nextFloat(), 0.25f + 0.75f * random.nextFloat());
  }
}
