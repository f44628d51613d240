package io.actionstream.training.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * The training objective: softmax cross-entropy on the labels, plus, for the student, {@code
 * lambda} times the distance between its motion attention map and the frozen teacher's.
 */
public final class DistillationLoss {

  /** The total, and its two parts for logging. */
  public record Parts(NDArray total, NDArray crossEntropy, NDArray distillation) {}

  private final Loss crossEntropy = Loss.softmaxCrossEntropyLoss();
  private final float lambda;
  private final AttentionDistance distance;

  public DistillationLoss(float lambda, AttentionDistance distance) {
    this.lambda = lambda;
    this.distance = distance;
  }

  /**
   * @param outputs the network's outputs: logits, motion map, appearance map
   * @param labels class indices {@code [N]}
   * @param teacherMap the teacher's motion map {@code [N, T', H', W']}, or null for plain
   *     cross-entropy
   */
  public Parts evaluate(NDList outputs, NDArray labels, NDArray teacherMap) {
    NDArray ce = crossEntropy.evaluate(new NDList(labels), new NDList(outputs.get(0)));
    if (teacherMap == null) {
      return new Parts(ce, ce, null);
    }
    NDArray distill = distance.between(teacherMap, outputs.get(1));
    return new Parts(ce.add(distill.mul(lambda)), ce, distill);
  }
}
