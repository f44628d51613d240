package io.actionstream.training.report;

import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.PreparedDataset;
import io.actionstream.training.distill.EpochStats;
import io.actionstream.training.distill.Role;
import io.actionstream.training.distill.TrainOptions;
import io.actionstream.training.evaluation.ModelEvaluation;
import io.actionstream.training.export.ParityCheck;
import io.actionstream.training.flow.FlowMethod;
import io.actionstream.training.network.NetworkCost;
import io.actionstream.training.network.NetworkSpec;
import io.actionstream.training.publish.GateDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything one training run found out, for {@link ReportWriter}.
 *
 * @param gate the quality gate's decision, or null when no model store was given
 * @param publication what happened to the model, in words (published where, or why not)
 */
public record TrainingReport(
    String modelName,
    String version,
    Instant started,
    Duration elapsed,
    String commandLine,
    PreparedDataset data,
    ClipSpec clip,
    int cacheSize,
    NetworkSpec studentSpec,
    NetworkCost cost,
    FlowMethod flow,
    float flowBound,
    TrainOptions options,
    TrainOptions baselineOptions,
    Map<Role, List<EpochStats>> histories,
    Map<Role, ModelEvaluation> evaluations,
    ParityCheck.Result parity,
    long onnxBytes,
    String onnxSha256,
    GateDecision gate,
    String publication) {}
