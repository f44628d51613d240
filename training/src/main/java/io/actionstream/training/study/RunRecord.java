package io.actionstream.training.study;

import io.actionstream.training.distill.EpochStats;
import java.util.List;

/**
 * What training one (arm, setting, seed) left for the selection: validation numbers only. The
 * network's weights at its best validation epoch lie beside it.
 *
 * @param arm the arm's name
 * @param setting its grid point
 * @param seed the paired seed
 * @param bestEpoch the epoch with the best validation top-1 (early stopping)
 * @param validationTop1 the validation top-1 at that epoch
 * @param history every epoch's training loss, accuracies and speed
 * @param trainClipsPerSecond training clips per second over all epochs
 */
public record RunRecord(String arm, Setting setting, long seed, int bestEpoch, double validationTop1, List<EpochStats> history,
    double trainClipsPerSecond) {}
