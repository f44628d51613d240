package io.actionstream.inference.image;

import io.actionstream.model.ModelSpec;
import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.schemas.v1.Frame;
import java.nio.ByteBuffer;

/**
 * One frame of a clip as the network takes it, the served crop ({@code height x width x 3} BGR
 * bytes), ready to be copied into a batch: pixels prepared when the frame arrived, or an
 * uncompressed frame whose crop is copied out of its own bytes at that moment (no buffer that
 * outlives the copy; an I420 frame is converted on the way, in the batching thread's buffers).
 */
public sealed interface FramePixels {

  /** Copies the crop into {@code batch} at {@code offset}, with {@code preprocessor}'s buffers where it needs any. */
  void copyTo(ByteBuffer batch, int offset, ClipPreprocessor preprocessor);

  /** Pixels prepared on arrival (a JPEG decoded, resized and cropped). */
  record Prepared(byte[] bytes) implements FramePixels {
    @Override
    public void copyTo(ByteBuffer batch, int offset, ClipPreprocessor preprocessor) {
      batch.put(offset, bytes, 0, bytes.length);
    }
  }

  /**
   * An uncompressed frame at the model's resize: its crop is cut out of the frame's bytes (see
   * {@link ClipPreprocessor#cropInto}), so a waiting frame holds only its own bytes (an I420 frame's
   * half of BGR's) and no prepared copy.
   */
  record RawCrop(Frame frame, ModelSpec spec) implements FramePixels {
    @Override
    public void copyTo(ByteBuffer batch, int offset, ClipPreprocessor preprocessor) {
      preprocessor.cropInto(frame, spec, batch, offset);
    }
  }
}
