package io.actionstream.training.distill;

/**
 * What one epoch of training did: mean cross-entropy and distillation loss (NaN when there is
 * none), training accuracy, validation accuracy, wall time and training speed.
 */
public record EpochStats(
    int epoch,
    double trainLoss,
    double distillLoss,
    double trainAccuracy,
    double validationAccuracy,
    double seconds,
    double clipsPerSecond) {}
