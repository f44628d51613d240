package io.actionstream.training;

import io.actionstream.schemas.v1.ModelRelease;
import io.actionstream.training.distill.Role;
import io.actionstream.training.evaluation.ModelEvaluation;
import io.actionstream.training.publish.GateDecision;
import io.actionstream.training.distill.EpochStats;
import io.actionstream.training.export.ParityCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a training run produced: the report, the exported student, the evaluations and
 * learning histories of the three networks, the export's parity check, and the gate decision
 * and release (both null when nothing was to be published).
 */
public record TrainingResult(
    Path report,
    Path onnx,
    Map<Role, ModelEvaluation> evaluations,
    Map<Role, List<EpochStats>> histories,
    ParityCheck.Result parity,
    GateDecision gate,
    ModelRelease release) {

  public boolean published() {
    return release != null;
  }
}
