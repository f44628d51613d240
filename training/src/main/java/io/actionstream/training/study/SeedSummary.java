package io.actionstream.training.study;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

/**
 * One metric of one arm over its seeds: mean, sample standard deviation and the 95% confidence
 * interval of the mean from Student's t with n - 1 degrees of freedom (the seeds are few, so a
 * normal interval would be too narrow). With one seed the interval is undefined (NaN).
 */
public record SeedSummary(int n, double mean, double sd, double low, double high) {

  public static SeedSummary of(double... values) {
    SummaryStatistics stats = new SummaryStatistics();
    for (double v : values) {
      stats.addValue(v);
    }
    int n = (int) stats.getN();
    if (n == 0) {
      throw new IllegalArgumentException("no values to summarize");
    }
    double mean = stats.getMean();
    if (n == 1) {
      return new SeedSummary(1, mean, Double.NaN, Double.NaN, Double.NaN);
    }
    double sd = stats.getStandardDeviation();
    double half = new TDistribution(n - 1).inverseCumulativeProbability(0.975) * sd / Math.sqrt(n);
    return new SeedSummary(n, mean, sd, mean - half, mean + half);
  }
}
