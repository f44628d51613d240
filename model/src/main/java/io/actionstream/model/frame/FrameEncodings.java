package io.actionstream.model.frame;

import io.actionstream.schemas.v1.FrameEncoding;
import io.actionstream.schemas.v1.ImageEncoding;

/**
 * How frames are fitted and encoded before any model sees them: the ingest's defaults, which are
 * also what training puts its videos through so that a model learns on the pixels it will be
 * served. A model's metadata records the encoding it was trained on.
 */
public final class FrameEncodings {

  /**
   * The ingest's default and training's: 128x128, the centre of the source cut to a square,
   * JPEG quality 85. It is the served student's own geometry (its preprocessing scales the
   * shorter side to 128 and takes the centre), so a camera sends no pixel the network does not
   * use and nothing is scaled a second time on the stream threads; a bigger frame costs the
   * ingest, the broker and every JPEG decode about three times the work for the same crop.
   */
  public static final FrameEncoding DEFAULT = of(128, 128, ResizeMode.CROP, 85);

  /**
   * 224x224 letterboxed, JPEG quality 85: the default before the ingest moved to the model's
   * geometry; the students of the distillation study, and the shipped student before
   * 2026-12-06, were trained on these frames.
   */
  public static final FrameEncoding LETTERBOX_224 = of(224, 224, ResizeMode.FIT, 85);

  private FrameEncodings() {}

  /** JPEG frames of this size, fitting and quality. */
  public static FrameEncoding of(int width, int height, ResizeMode mode, int quality) {
    return of(width, height, mode, ImageFormat.JPEG, quality);
  }

  /** Frames of this size and fitting in {@code format} ({@code quality} is JPEG's and ignored for the uncompressed formats). */
  public static FrameEncoding of(int width, int height, ResizeMode mode, ImageFormat format, int quality) {
    return FrameEncoding.newBuilder().setWidth(width).setHeight(height).setResizeMode(mode.toProto())
        .setEncoding(format.toProto()).setQuality(format == ImageFormat.JPEG ? quality : 0).build();
  }

  /** Whether the image part is usable: JPEG with a quality of 1-100, BGR24, or I420 of an even size. */
  public static boolean validImage(FrameEncoding encoding) {
    return switch (encoding.getEncoding()) {
      case IMAGE_ENCODING_JPEG -> encoding.getQuality() >= 1 && encoding.getQuality() <= 100;
      case IMAGE_ENCODING_BGR24 -> true;
      case IMAGE_ENCODING_I420 -> ImageFormat.I420.sizeProblem(encoding.getWidth(), encoding.getHeight()) == null;
      default -> false;
    };
  }

  /**
   * Whether a frame shows the encoding: its size, resize mode and image format (a JPEG's quality is
   * not in a frame).
   */
  public static boolean sameFitting(FrameEncoding encoding, io.actionstream.schemas.v1.Frame frame) {
    return encoding.getWidth() == frame.getWidth() && encoding.getHeight() == frame.getHeight()
        && encoding.getResizeMode() == frame.getResizeMode() && encoding.getEncoding() == frame.getEncoding();
  }
}
