package io.actionstream.model.frame;

import io.actionstream.schemas.v1.FrameEncoding;
import io.actionstream.schemas.v1.ImageEncoding;

/**
 * How frames are fitted and encoded before any model sees them: the ingest's defaults, which are
 * also what training puts its videos through so that a model learns on the pixels it will be
 * served. A model's metadata records the encoding it was trained on.
 */
public final class FrameEncodings {

  /** The ingest's default: 224x224, letterboxed, JPEG quality 85. */
  public static final FrameEncoding DEFAULT = of(224, 224, ResizeMode.FIT, 85);

  private FrameEncodings() {}

  public static FrameEncoding of(int width, int height, ResizeMode mode, int quality) {
    return FrameEncoding.newBuilder().setWidth(width).setHeight(height).setResizeMode(mode.toProto())
        .setEncoding(ImageEncoding.IMAGE_ENCODING_JPEG).setQuality(quality).build();
  }

  /** The encoding a frame shows: its size and resize mode (the quality is not in a frame). */
  public static boolean sameFitting(FrameEncoding encoding, io.actionstream.schemas.v1.Frame frame) {
    return encoding.getWidth() == frame.getWidth() && encoding.getHeight() == frame.getHeight()
        && encoding.getResizeMode() == frame.getResizeMode();
  }
}
