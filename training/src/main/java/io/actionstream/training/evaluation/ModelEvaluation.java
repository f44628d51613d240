package io.actionstream.training.evaluation;

import io.actionstream.training.distill.Role;
import java.util.List;

/** Everything measured for one network on the test split. */
public record ModelEvaluation(
    Role role,
    Classification classification,
    Localization localization,
    ChanceLocalization chance,
    ReversalConsistency reversal,
    double inferenceClipsPerSecond,
    List<ClipResult> results) {}
