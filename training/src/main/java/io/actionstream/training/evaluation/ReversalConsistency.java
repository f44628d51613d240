package io.actionstream.training.evaluation;

import io.actionstream.training.synth.ActionClass;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Whether a network understands the direction of time: for clips of classes that have a
 * time-reversed partner (raise arm / lower arm ...), the share whose prediction turns into the
 * partner of the forward prediction when the clip is played backwards.
 */
public record ReversalConsistency(double rate, int clips) {

  /**
   * Reversal partners by class name, for SynthActions classes ({@link ActionClass#reversed()});
   * -1 for every other class, and for the walks, which are mirror images rather than reversals.
   */
  public static IntUnaryOperator partnersOf(List<String> classes) {
    int[] partners = new int[classes.size()];
    for (int i = 0; i < classes.size(); i++) {
      partners[i] = -1;
      for (ActionClass action : ActionClass.values()) {
        if (action.label().equals(classes.get(i)) && action.hasReversalPartner()) {
          partners[i] = classes.indexOf(action.reversed().label());
        }
      }
    }
    return label -> partners[label];
  }

  /** {@code partner} maps a class to its reversal partner, or to -1 when it has none. */
  public static ReversalConsistency of(List<ClipResult> results, IntUnaryOperator partner) {
    int consistent = 0;
    int clips = 0;
    for (ClipResult r : results) {
      if (r.reversedPredicted() < 0 || partner.applyAsInt(r.label()) < 0) {
        continue;
      }
      clips++;
      int expected = partner.applyAsInt(r.predicted());
      consistent += expected >= 0 && r.reversedPredicted() == expected ? 1 : 0;
    }
    return new ReversalConsistency(clips == 0 ? Double.NaN : (double) consistent / clips, clips);
  }
}
