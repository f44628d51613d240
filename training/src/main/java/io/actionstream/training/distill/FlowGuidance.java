package io.actionstream.training.distill;

/**
 * What the guidances that read the batch's optical flow share: a weight, and the check that a
 * teacher they learn from is a trained flow network.
 */
abstract class FlowGuidance implements Guidance {

  private final float weight;

  FlowGuidance(float weight) {
    if (!(weight >= 0)) {
      throw new IllegalArgumentException("a guidance weight must be at least 0, got " + weight);
    }
    this.weight = weight;
  }

  static TrainedModel requireFlowTeacher(TrainedModel teacher, String what) {
    if (teacher == null || !teacher.role().readsFlow()) {
      throw new IllegalArgumentException(what + " needs a trained flow teacher");
    }
    return teacher;
  }

  @Override
  public final boolean needsFlow() {
    return true;
  }

  @Override
  public final float weight() {
    return weight;
  }
}
