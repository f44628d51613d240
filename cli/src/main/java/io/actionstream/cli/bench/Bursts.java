package io.actionstream.cli.bench;

import io.actionstream.schemas.v1.Timings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.DoubleStream;

/**
 * The clips of a synchronized run grouped into its bursts (the clips whose last frames were
 * captured within a second of each other), each with its slowest clip and where that clip's time
 * went. A run's p99 is made by its worst few bursts; this tells which, and why, and how far the
 * p99 of another run of as many bursts might fall from this one's ({@link #percentileInterval}).
 */
record Bursts(List<Burst> bursts) {

  /** One burst: when its frames were captured (µs) and its clips. */
  record Burst(long captureUs, List<Timings> clips) {

    Timings slowest() {
      return clips.stream().max(Comparator.comparingDouble(Timings::getCaptureToEventMs)).orElseThrow();
    }

    String describe(long runStartUs) {
      Timings slowest = slowest();
      return String.format(Locale.ROOT, "at %.1f s: %d clips, slowest %.0f ms (to the clip %.0f, waiting %.0f, network %.0f, "
          + "answer to event %.0f)", (captureUs - runStartUs) / 1e6, clips.size(), slowest.getCaptureToEventMs(),
          slowest.getCaptureToClipMs(), slowest.getNetworkWaitMs(), slowest.getInferenceMs(), slowest.getAnswerToEventMs());
    }
  }

  /** A confidence interval, in milliseconds. */
  record Interval(double low, double high) {}

  static Bursts of(Collection<Timings> timings) {
    List<Timings> byCapture = new ArrayList<>(timings);
    byCapture.sort(Comparator.comparingLong(Bursts::captureUs));
    List<Burst> bursts = new ArrayList<>();
    List<Timings> burst = new ArrayList<>();
    for (Timings t : byCapture) {
      // a burst's captures lie within a few ms of each other, and bursts are a clip period (2 s) apart
      if (!burst.isEmpty() && captureUs(t) - captureUs(burst.get(0)) >= 1_000_000) {
        bursts.add(new Burst(captureUs(burst.get(0)), List.copyOf(burst)));
        burst = new ArrayList<>();
      }
      burst.add(t);
    }
    if (!burst.isEmpty()) {
      bursts.add(new Burst(captureUs(burst.get(0)), List.copyOf(burst)));
    }
    return new Bursts(bursts);
  }

  /**
   * A {@code confidence} interval for the {@code p}th percentile of capture-to-event over all the
   * bursts' clips: a percentile bootstrap that draws whole bursts, as many as the run had, with
   * replacement ({@code resamples} times, from {@code seed}). Bursts, not clips, are drawn because
   * a burst's clips share its fate (one slow spell of the machine slows them all): the interval
   * says how much of a run's p99 is which bursts it happened to have. Null without bursts.
   */
  Interval percentileInterval(double p, double confidence, int resamples, long seed) {
    if (bursts.isEmpty()) {
      return null;
    }
    double[][] latencies = bursts.stream()
        .map(b -> b.clips().stream().mapToDouble(Timings::getCaptureToEventMs).toArray())
        .toArray(double[][]::new);
    SplittableRandom random = new SplittableRandom(seed);
    double[] estimates = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      DoubleStream.Builder drawn = DoubleStream.builder();
      for (int i = 0; i < latencies.length; i++) {
        for (double ms : latencies[random.nextInt(latencies.length)]) {
          drawn.add(ms);
        }
      }
      estimates[r] = MillisHistogram.percentile(MillisHistogram.of(drawn.build()), p);
    }
    Arrays.sort(estimates);
    double tail = (1 - confidence) / 2;
    return new Interval(estimates[(int) Math.floor(tail * (resamples - 1))],
        estimates[(int) Math.ceil((1 - tail) * (resamples - 1))]);
  }

  static long captureUs(Timings t) {
    return t.getEventTimeUs() - Math.round(t.getCaptureToEventMs() * 1000.0);
  }
}
