package io.actionstream.model.frame;

import io.actionstream.schemas.v1.ImageEncoding;
import java.util.Locale;

/**
 * How a frame's pixels travel on the frames topic; the configuration's names for the Frame
 * contract's {@code ImageEncoding}. JPEG is small on the wire and costs an encode in the ingest and
 * a decode in the inference per frame; BGR24 costs neither, at about eight times the bytes.
 */
public enum ImageFormat {
  /** Baseline JPEG at the encoding's quality. */
  JPEG,
  /** Uncompressed 8-bit blue, green, red pixels, row after row. */
  RAW;

  /** Parses the lower-case configuration name, {@code jpeg} or {@code raw}. */
  public static ImageFormat parse(String name) {
    for (ImageFormat format : values()) {
      if (format.configName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return format;
      }
    }
    throw new IllegalArgumentException("'" + name + "' is not an image encoding; use one of jpeg, raw");
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The Frame contract's name for this format. */
  public ImageEncoding toProto() {
    return switch (this) {
      case JPEG -> ImageEncoding.IMAGE_ENCODING_JPEG;
      case RAW -> ImageEncoding.IMAGE_ENCODING_BGR24;
    };
  }

  /** The format a Frame contract value names. */
  public static ImageFormat of(ImageEncoding encoding) {
    return switch (encoding) {
      case IMAGE_ENCODING_JPEG -> JPEG;
      case IMAGE_ENCODING_BGR24 -> RAW;
      default -> throw new IllegalArgumentException("no supported image encoding given (" + encoding + ")");
    };
  }
}
