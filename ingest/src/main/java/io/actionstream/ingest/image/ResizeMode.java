package io.actionstream.ingest.image;

import java.util.Locale;

/**
 * How a source image is fitted into the configured frame size; the same three choices as the
 * {@code ResizeMode} of the Frame contract.
 */
public enum ResizeMode {
  /** Scale the whole source to the target size; the aspect ratio may change. */
  STRETCH,
  /** Keep the aspect ratio, scale to cover the target, crop the centre. */
  CROP,
  /** Keep the aspect ratio, scale to fit inside the target, pad the rest (letterbox). */
  FIT;

  /** Parses the lower-case configuration name, e.g. {@code fit}. */
  public static ResizeMode parse(String name) {
    for (ResizeMode mode : values()) {
      if (mode.configName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "'" + name + "' is not a resize mode; use one of stretch, crop, fit");
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
