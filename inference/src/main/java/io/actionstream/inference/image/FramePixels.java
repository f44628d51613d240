package io.actionstream.inference.image;

import io.actionstream.model.ModelSpec;
import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.schemas.v1.Frame;
import java.nio.ByteBuffer;

/**
 * One frame of a clip as the network takes it, the served crop ({@code height x width x 3} BGR
 * bytes), ready to be copied into a batch: pixels prepared when the frame arrived, or a raw frame
 * whose crop is copied out of its own bytes at that moment (no buffer of its own in between).
 */
public sealed interface FramePixels {

  /** Copies the crop into {@code batch} at {@code offset}. */
  void copyTo(ByteBuffer batch, int offset);

  /** Pixels prepared on arrival (a JPEG decoded, resized and cropped). */
  record Prepared(byte[] bytes) implements FramePixels {
    @Override
    public void copyTo(ByteBuffer batch, int offset) {
      batch.put(offset, bytes, 0, bytes.length);
    }
  }

  /** A raw frame at the model's resize: its crop is cut out of the frame's bytes (see {@link ClipPreprocessor#cropInto}). */
  record RawCrop(Frame frame, ModelSpec spec) implements FramePixels {
    @Override
    public void copyTo(ByteBuffer batch, int offset) {
      ClipPreprocessor.cropInto(frame, spec, batch, offset);
    }
  }
}
