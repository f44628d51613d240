package io.actionstream.training.study;

import java.util.Random;
import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * Two classifiers compared on the same test clips, clip by clip: McNemar's exact test on the
 * clips where exactly one of them is right (two-sided, from the binomial with p = 1/2), and a
 * paired bootstrap 95% interval of the difference in accuracy (clips resampled with
 * replacement, both classifiers' answers kept together).
 *
 * @param onlyA clips only A gets right
 * @param onlyB clips only B gets right
 * @param difference accuracy of A minus accuracy of B
 * @param mcNemarP the exact two-sided p-value of "A and B are equally accurate"
 * @param low the bootstrap interval's lower end
 * @param high the bootstrap interval's upper end
 */
public record PairedComparison(int clips, int onlyA, int onlyB, double difference, double mcNemarP, double low, double high) {

  /** Compares {@code a} and {@code b}, whether each got clip i right, with {@code resamples} bootstrap draws. */
  public static PairedComparison of(boolean[] a, boolean[] b, int resamples, long seed) {
    if (a.length != b.length || a.length == 0) {
      throw new IllegalArgumentException("both need the same, non-empty list of clips: " + a.length + " and " + b.length);
    }
    int onlyA = 0;
    int onlyB = 0;
    for (int i = 0; i < a.length; i++) {
      onlyA += a[i] && !b[i] ? 1 : 0;
      onlyB += b[i] && !a[i] ? 1 : 0;
    }
    double[] differences = new double[resamples];
    Random random = new Random(seed);
    for (int r = 0; r < resamples; r++) {
      int sum = 0;
      for (int i = 0; i < a.length; i++) {
        int k = random.nextInt(a.length);
        sum += (a[k] ? 1 : 0) - (b[k] ? 1 : 0);
      }
      differences[r] = (double) sum / a.length;
    }
    java.util.Arrays.sort(differences);
    double low = resamples == 0 ? Double.NaN : differences[(int) Math.floor(0.025 * (resamples - 1))];
    double high = resamples == 0 ? Double.NaN : differences[(int) Math.ceil(0.975 * (resamples - 1))];
    return new PairedComparison(a.length, onlyA, onlyB, (double) (onlyA - onlyB) / a.length, mcNemar(onlyA, onlyB), low, high);
  }

  /** Exact two-sided McNemar p-value for {@code b} and {@code c} discordant clips. */
  static double mcNemar(int b, int c) {
    int n = b + c;
    if (n == 0) {
      return 1.0;
    }
    double tail = new BinomialDistribution(null, n, 0.5).cumulativeProbability(Math.min(b, c));
    return Math.min(1.0, 2 * tail);
  }
}
