package io.actionstream.model.frame;

import io.actionstream.schemas.v1.ImageEncoding;
import java.util.Locale;
import java.util.Optional;

/**
 * How a frame's pixels travel on the frames topic; the configuration's names for the Frame
 * contract's {@code ImageEncoding}. JPEG is small on the wire and costs an encode in the ingest and
 * a decode in the inference per frame; BGR24 costs neither, at about eight times the bytes; I420
 * (planar YUV 4:2:0) halves BGR24's bytes on the broker, the network and the disk, for a colour
 * conversion on each side (about 4.5 us each at 128x128).
 */
public enum ImageFormat {
  /** Baseline JPEG at the encoding's quality. */
  JPEG,
  /** Uncompressed 8-bit blue, green, red pixels, row after row. */
  RAW,
  /** Uncompressed planar YUV 4:2:0 as OpenCV converts BGR to it; even width and height. */
  I420;

  /** Parses the lower-case configuration name, {@code jpeg}, {@code raw} or {@code i420}. */
  public static ImageFormat parse(String name) {
    for (ImageFormat format : values()) {
      if (format.configName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return format;
      }
    }
    throw new IllegalArgumentException("'" + name + "' is not an image encoding; use one of jpeg, raw, i420");
  }

  /** The name the Frame contract's documentation gives the format: JPEG, BGR24 or I420. */
  public String label() {
    return switch (this) {
      case JPEG -> "JPEG";
      case RAW -> "BGR24";
      case I420 -> "I420";
    };
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a frame's bytes are its pixels (a fixed count for its size) rather than a compressed image. */
  public boolean uncompressed() {
    return this != JPEG;
  }

  /**
   * The bytes of a {@code width x height} frame's pixels in this format.
   *
   * @throws IllegalStateException for JPEG, whose size depends on the picture
   */
  public long pixelBytes(long width, long height) {
    return switch (this) {
      case RAW -> 3 * width * height;
      case I420 -> width * height * 3 / 2;
      case JPEG -> throw new IllegalStateException("a JPEG's size depends on its picture");
    };
  }

  /** Why frames of this size cannot be in this format, or null when they can (I420 needs an even width and height). */
  public String sizeProblem(int width, int height) {
    if (this == I420 && (width % 2 != 0 || height % 2 != 0)) {
      return "i420 frames need an even width and height (their colour planes are half of each), got " + width + "x" + height;
    }
    return null;
  }

  /** The Frame contract's name for this format. */
  public ImageEncoding toProto() {
    return switch (this) {
      case JPEG -> ImageEncoding.IMAGE_ENCODING_JPEG;
      case RAW -> ImageEncoding.IMAGE_ENCODING_BGR24;
      case I420 -> ImageEncoding.IMAGE_ENCODING_I420;
    };
  }

  /** The format a Frame contract value names. */
  public static ImageFormat of(ImageEncoding encoding) {
    return supported(encoding).orElseThrow(
        () -> new IllegalArgumentException("no supported image encoding given (" + encoding + ")"));
  }

  /** The format a Frame contract value names, or empty when it names none this version reads. */
  public static Optional<ImageFormat> supported(ImageEncoding encoding) {
    return switch (encoding) {
      case IMAGE_ENCODING_JPEG -> Optional.of(JPEG);
      case IMAGE_ENCODING_BGR24 -> Optional.of(RAW);
      case IMAGE_ENCODING_I420 -> Optional.of(I420);
      default -> Optional.empty();
    };
  }
}
