package io.actionstream.training.study;

import java.util.Locale;

/**
 * One point of an arm's grid: learning rate, epochs and the weight of its extra term (0 for the
 * arms without one). Results are cached under {@link #key()}.
 */
public record Setting(float learningRate, int epochs, float weight) {

  public String key() {
    return String.format(Locale.ROOT, "lr%s-e%d-w%s", learningRate, epochs, weight);
  }

  public String describe(ArmKind kind) {
    String text = "lr " + plain(learningRate) + ", " + epochs + " epochs";
    return kind.weighted() ? text + ", weight " + plain(weight) : text;
  }

  private static String plain(float value) {
    return new java.math.BigDecimal(Float.toString(value)).stripTrailingZeros().toPlainString();
  }
}
