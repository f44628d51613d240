package io.actionstream.training.publish;

/**
 * The outcome of the quality gate: whether the candidate may be published, both top-1
 * accuracies on the validation split (the current one is NaN when there is no comparable
 * release), and why, in words for the log and the report.
 */
public record GateDecision(boolean passed, double candidateAccuracy, double currentAccuracy, String currentVersion, String reason) {}
