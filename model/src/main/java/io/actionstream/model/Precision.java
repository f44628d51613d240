package io.actionstream.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * The number format a student's convolutions run in, as its metadata states it ({@code
 * actionstream.precision}): {@code fp32}, as trained and exported, or {@code int8}, the same
 * network rewritten with quantize/dequantize pairs around its backbone convolutions, which ONNX
 * Runtime runs as integer convolutions. A model without the key is fp32 (every model exported
 * before the key existed).
 */
public enum Precision {
  FP32,
  INT8;

  /** The metadata value: {@code fp32} or {@code int8}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the values allowed, for any other value
   */
  public static Precision of(String label) {
    for (Precision p : values()) {
      if (p.label().equals(label)) {
        return p;
      }
    }
    throw new IllegalArgumentException("precision '" + label + "' is not one of "
        + Arrays.stream(values()).map(Precision::label).toList());
  }
}
