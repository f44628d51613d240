package io.actionstream.training.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Attention distillation: the distance from the frozen flow teacher's motion map of each clip
 * to the network's motion map. Shuffled, each clip gets the teacher's map of the next clip of
 * the batch instead: a teacher map with the right statistics but the wrong place, the control
 * that tells "looks where the motion is" apart from "any teacher-shaped map helps".
 */
public final class AttentionGuidance extends FlowGuidance {

  private final TrainedModel teacher;
  private final AttentionDistance distance;
  private final boolean shuffled;

  public AttentionGuidance(TrainedModel teacher, AttentionDistance distance, float weight, boolean shuffled) {
    super(weight);
    this.teacher = requireFlowTeacher(teacher, "attention distillation");
    this.distance = distance;
    this.shuffled = shuffled;
  }

  @Override
  public NDArray term(NDList outputs, Batch batch, NDManager manager) {
    NDArray maps = teacher.motionMaps(manager, batch.flow(), batch.size());
    if (shuffled && batch.size() > 1) {
      // roll by one clip: no clip keeps its own map
      maps = maps.get("1:").concat(maps.get(":1"), 0);
    }
    return distance.between(maps, outputs.get(1));
  }

  @Override
  public String key() {
    return shuffled ? "shuffled-teacher-attention" : "";
  }
}
