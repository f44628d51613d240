package io.actionstream.cli.bench;

import java.util.stream.DoubleStream;
import org.HdrHistogram.Histogram;

/**
 * Latencies in milliseconds kept the one way the benchmark keeps them: an HdrHistogram of
 * microseconds at 3 significant digits, a negative value (clocks read on different threads)
 * counted as 0, and percentiles read back in milliseconds (NaN when there is nothing).
 */
final class MillisHistogram {

  private MillisHistogram() {}

  static Histogram of(DoubleStream millis) {
    Histogram histogram = new Histogram(3);
    millis.forEach(ms -> histogram.recordValue(Math.max(0, Math.round(ms * 1000))));
    return histogram;
  }

  /** The {@code p}th percentile in milliseconds; NaN for an empty histogram. */
  static double percentile(Histogram histogram, double p) {
    return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(p) / 1000.0;
  }
}
