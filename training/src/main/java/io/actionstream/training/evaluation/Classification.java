package io.actionstream.training.evaluation;

import java.util.List;

/**
 * Classification quality on a set of clips: top-1 accuracy, mean per-class accuracy (which a
 * class imbalance cannot flatter) and the confusion matrix (rows: true class, columns:
 * predicted class).
 */
public record Classification(double top1, double meanClassAccuracy, double[] classAccuracy, int[][] confusion) {

  public static Classification of(List<ClipResult> results, int classes) {
    int[][] confusion = new int[classes][classes];
    long correct = 0;
    for (ClipResult r : results) {
      confusion[r.label()][r.predicted()]++;
      correct += r.label() == r.predicted() ? 1 : 0;
    }
    double[] perClass = new double[classes];
    double sum = 0;
    int present = 0;
    for (int c = 0; c < classes; c++) {
      int total = 0;
      for (int p = 0; p < classes; p++) {
        total += confusion[c][p];
      }
      perClass[c] = total == 0 ? Double.NaN : (double) confusion[c][c] / total;
      if (total > 0) {
        sum += perClass[c];
        present++;
      }
    }
    return new Classification(
        results.isEmpty() ? Double.NaN : (double) correct / results.size(),
        present == 0 ? Double.NaN : sum / present,
        perClass,
        confusion);
  }
}
