package io.actionstream.training.dataset;

import io.actionstream.model.clip.Picture;
import io.actionstream.schemas.v1.Frame;
import java.nio.ByteBuffer;

/**
 * A video as the model sees it, kept in (memory-mapped) cache: every frame encoded the way the
 * ingest encodes a camera's frames, then decoded and resized by the shared clip preprocessing
 * into a {@code width x height} BGR {@link Picture}, frame after frame, row after row. {@code
 * geometry} is the frame geometry the ingest would have recorded (no image), which maps clip
 * pixels back to the source; {@code boxes} is the actor's box track when the data set has one,
 * else null.
 */
public record DecodedVideo(int frames, int width, int height, double fps, ByteBuffer pixels, Frame geometry, BoxTrack boxes) {

  /** Offset of pixel (x, y) of frame t, channel 0 (blue). */
  public int offset(int t, int y, int x) {
    return ((t * height + y) * width + x) * 3;
  }

  /** A copy of one frame's BGR bytes. */
  public byte[] frame(int t) {
    byte[] out = new byte[width * height * 3];
    pixels.slice(offset(t, 0, 0), out.length).get(out);
    return out;
  }

  /** One frame as the shared preprocessing's picture. */
  public Picture picture(int t) {
    return new Picture(width, height, frame(t));
  }
}
