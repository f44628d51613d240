package io.actionstream.training.report;

import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.PreparedDataset;
import io.actionstream.training.distill.EpochStats;
import io.actionstream.training.distill.Role;
import io.actionstream.training.distill.TrainOptions;
import io.actionstream.training.evaluation.ModelEvaluation;
import io.actionstream.training.export.Int8Export;
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
 * @param onnxBytes size of the served model file (the int8 one when it was made)
 * @param int8 the int8 export and its checks, or null when none was asked for or it was refused
 * @param int8Refusal why the int8 export was refused (the fp32 model is then served), or null
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
    Int8Export.Result int8,
    String int8Refusal,
    GateDecision gate,
    String publication) {}
