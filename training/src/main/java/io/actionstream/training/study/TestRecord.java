package io.actionstream.training.study;

import io.actionstream.training.evaluation.ChanceLocalization;
import io.actionstream.training.evaluation.Localization;
import io.actionstream.training.evaluation.ReversalConsistency;

/**
 * The one reading of the test split for an arm's selected setting and one seed: clip by clip
 * (for the paired tests) and summed up.
 *
 * @param arm the arm's name
 * @param setting the selected setting
 * @param seed the paired seed
 * @param labels each test clip's true class, in the split's order
 * @param predicted each clip's predicted class
 * @param top1 share of clips right
 * @param meanClassAccuracy mean over classes of the share right
 * @param motion localization of the motion map's event boxes
 * @param appearance localization of the appearance map's event boxes
 * @param chance the chance levels on the same clips (random boxes of this network's sizes)
 * @param reversal reversal consistency
 * @param clipsPerSecond inference speed of the evaluation (clips forwards and backwards)
 */
public record TestRecord(String arm, Setting setting, long seed, int[] labels, int[] predicted, double top1, double meanClassAccuracy,
    Localization motion, Localization appearance, ChanceLocalization chance, ReversalConsistency reversal, double clipsPerSecond) {

  /** Whether each clip was right. */
  public boolean[] correct() {
    boolean[] correct = new boolean[labels.length];
    for (int i = 0; i < labels.length; i++) {
      correct[i] = labels[i] == predicted[i];
    }
    return correct;
  }
}
