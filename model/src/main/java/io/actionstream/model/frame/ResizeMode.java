package io.actionstream.model.frame;

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

  /** The Frame contract's name for this mode. */
  public io.actionstream.schemas.v1.ResizeMode toProto() {
    return switch (this) {
      case STRETCH -> io.actionstream.schemas.v1.ResizeMode.RESIZE_MODE_STRETCH;
      case CROP -> io.actionstream.schemas.v1.ResizeMode.RESIZE_MODE_CROP;
      case FIT -> io.actionstream.schemas.v1.ResizeMode.RESIZE_MODE_FIT;
    };
  }

  /** The mode a Frame contract value names. */
  public static ResizeMode of(io.actionstream.schemas.v1.ResizeMode mode) {
    return switch (mode) {
      case RESIZE_MODE_STRETCH -> STRETCH;
      case RESIZE_MODE_CROP -> CROP;
      case RESIZE_MODE_FIT -> FIT;
      default -> throw new IllegalArgumentException("no resize mode given (" + mode + ")");
    };
  }
}
