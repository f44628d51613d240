package io.actionstream.training.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Logit (soft-target) distillation from the same flow teacher, Hinton et al.'s knowledge
 * distillation: KL(softmax(teacher / T) || softmax(network / T)) times T squared, so that the
 * gradient's size does not depend on the temperature. The control that asks whether the student
 * gains from the teacher's <em>attention</em> or from any help the teacher gives.
 */
public final class LogitGuidance extends FlowGuidance {

  private final TrainedModel teacher;
  private final float temperature;

  public LogitGuidance(TrainedModel teacher, float temperature, float weight) {
    super(weight);
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("the temperature must be positive, got " + temperature);
    }
    this.teacher = requireFlowTeacher(teacher, "logit distillation");
    this.temperature = temperature;
  }

  @Override
  public NDArray term(NDList outputs, Batch batch, NDManager manager) {
    NDArray teacherLogits = teacher.logits(manager, batch.flow(), batch.size());
    NDArray p = teacherLogits.div(temperature).softmax(1);
    NDArray logQ = outputs.get(0).div(temperature).logSoftmax(1);
    NDArray logP = teacherLogits.div(temperature).logSoftmax(1);
    return p.mul(logP.sub(logQ)).sum(new int[] {1}).mean().mul(temperature * temperature);
  }

  @Override
  public String key() {
    return "logits T" + temperature + " " + weight();
  }
}
