package io.actionstream.training.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * What a network learns from besides the labels: nothing (the baseline), a flow teacher's
 * attention maps (the paper's distillation), the teacher's soft labels, or a map computed from
 * the flow without any network. The trainer adds {@link #weight()} times {@link #term} to the
 * cross-entropy; the term's value is logged as the distillation loss.
 */
public interface Guidance {

  /** Cross-entropy only. */
  Guidance NONE = new Guidance() {
    @Override
    public boolean needsFlow() {
      return false;
    }

    @Override
    public float weight() {
      return 0;
    }

    @Override
    public NDArray term(NDList outputs, Batch batch, NDManager manager) {
      return null;
    }

    @Override
    public String key() {
      return "";
    }
  };

  /** Whether the term reads the batch's optical flow (the trainer then cuts it). */
  boolean needsFlow();

  /** The term's weight in the loss. */
  float weight();

  /**
   * The unweighted term for a batch, or null for none.
   *
   * @param outputs the network's outputs (logits, motion map, appearance map)
   * @param batch the batch the outputs are of
   * @param manager where intermediate arrays live
   */
  NDArray term(NDList outputs, Batch batch, NDManager manager);

  /**
   * What distinguishes this guidance in a checkpoint's configuration beyond the training options
   * (empty for none and for the teacher-attention distillation the options already describe).
   */
  String key();
}
