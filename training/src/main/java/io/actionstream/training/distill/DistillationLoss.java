package io.actionstream.training.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * The training objective: softmax cross-entropy on the labels, plus the guidance's weight times
 * its term (for the paper's student: the distance between its motion attention map and the
 * frozen teacher's).
 */
public final class DistillationLoss {

  /** The total, and its two parts for logging (distillation null without guidance). */
  public record Parts(NDArray total, NDArray crossEntropy, NDArray distillation) {}

  private final Loss crossEntropy = Loss.softmaxCrossEntropyLoss();
  private final Guidance guidance;

  public DistillationLoss(Guidance guidance) {
    this.guidance = guidance;
  }

  /**
   * @param outputs the network's outputs: logits, motion map, appearance map
   * @param labels class indices {@code [N]}
   * @param batch the batch the outputs are of
   */
  public Parts evaluate(NDList outputs, NDArray labels, Batch batch) {
    NDArray ce = crossEntropy.evaluate(new NDList(labels), new NDList(outputs.get(0)));
    NDArray term = guidance.term(outputs, batch, labels.getManager());
    if (term == null) {
      return new Parts(ce, ce, null);
    }
    return new Parts(ce.add(term.mul(guidance.weight())), ce, term);
  }
}
