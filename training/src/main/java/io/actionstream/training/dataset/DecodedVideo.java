package io.actionstream.training.dataset;

import java.nio.ByteBuffer;

/**
 * A video decoded to square RGB frames of one size, kept in (memory-mapped) cache: {@code
 * frames x size x size x 3} bytes, frame after frame, row after row. {@code boxes} is the
 * actor's box track in these pixels when the data set has one, else null.
 */
public record DecodedVideo(int frames, int size, double fps, ByteBuffer pixels, BoxTrack boxes) {

  /** Offset of pixel (x, y) of frame t, channel 0 (red). */
  public int offset(int t, int y, int x) {
    return ((t * size + y) * size + x) * 3;
  }

  /** A copy of one frame's RGB bytes. */
  public byte[] frame(int t) {
    byte[] out = new byte[size * size * 3];
    pixels.slice(offset(t, 0, 0), out.length).get(out);
    return out;
  }
}
