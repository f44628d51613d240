package io.actionstream.training.dataset;

import io.actionstream.model.ModelSpec;

/**
 * What training cuts out of its videos: clips for the model described by {@code model} (its
 * frames per clip, crop size and normalization come from there, nowhere else), taking a frame
 * every {@code stride} decoded frames. Stride is the one setting serving does not know: the
 * ingest samples cameras to the model's frame rate instead.
 */
public record ClipSpec(ModelSpec model, int stride) {

  /** The default normalization of RGB in [0, 1]. */
  public static final float[] MEAN = {0.45f, 0.45f, 0.45f};
  public static final float[] STD = {0.225f, 0.225f, 0.225f};

  public ClipSpec {
    if (model.height() != model.width()) {
      throw new IllegalArgumentException("training crops are square; the model's input is " + model.width() + "x" + model.height());
    }
    if (stride < 1) {
      throw new IllegalArgumentException("the stride must be at least 1");
    }
  }

  public int frames() {
    return model.frames();
  }

  /** Side of the square crop the networks are fed. */
  public int size() {
    return model.height();
  }

  /** Decoded frames a clip spans. */
  public int span() {
    return (frames() - 1) * stride + 1;
  }
}
