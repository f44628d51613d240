package io.actionstream.model.clip;

/**
 * A frame's picture after the model's resize and before its crop: {@code width x height} BGR
 * pixels, row after row. Serving takes the centre crop of it; training takes random crops of the
 * same pixels, so both read exactly what the shared preprocessing produced.
 */
public record Picture(int width, int height, byte[] bgr) {

  public Picture {
    if (bgr.length != width * height * 3) {
      throw new IllegalArgumentException(bgr.length + " bytes for a " + width + "x" + height + " BGR picture");
    }
  }

  /** The {@code w x h} pixels at {@code (x, y)}, mirrored left-right if asked, as BGR bytes. */
  public byte[] crop(int x, int y, int w, int h, boolean mirror) {
    return crop(bgr, width, height, x, y, w, h, mirror);
  }

  /**
   * The same crop of a {@code width x height} picture held in the first bytes of {@code bgr} (a
   * buffer that may be longer, reused from frame to frame).
   */
  static byte[] crop(byte[] bgr, int width, int height, int x, int y, int w, int h, boolean mirror) {
    if (x < 0 || y < 0 || x + w > width || y + h > height) {
      throw new IllegalArgumentException("crop " + w + "x" + h + " at " + x + "," + y + " is outside a " + width + "x" + height
          + " picture");
    }
    byte[] out = new byte[w * h * 3];
    for (int row = 0; row < h; row++) {
      int from = ((y + row) * width + x) * 3;
      if (!mirror) {
        System.arraycopy(bgr, from, out, row * w * 3, w * 3);
      } else {
        for (int col = 0; col < w; col++) {
          int p = from + (w - 1 - col) * 3;
          int q = (row * w + col) * 3;
          out[q] = bgr[p];
          out[q + 1] = bgr[p + 1];
          out[q + 2] = bgr[p + 2];
        }
      }
    }
    return out;
  }
}
