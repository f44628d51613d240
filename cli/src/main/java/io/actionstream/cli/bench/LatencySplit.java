package io.actionstream.cli.bench;

import io.actionstream.schemas.v1.Timings;
import java.util.Collection;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * Where a real-time run's capture-to-event time went, from its events' timings: to the clip's
 * handing to the network (ingest, broker, validation, clip assembly), waiting for the network, in
 * the network (the batch's time), and from the answer to the event. Each part's percentiles are
 * its own: the parts' p99s need not come from the same events and do not add up to the p99.
 */
record LatencySplit(Histogram toClip, Histogram networkWait, Histogram network, Histogram answerToEvent) {

  static LatencySplit of(Collection<Timings> timings) {
    return new LatencySplit(histogram(timings, Timings::getCaptureToClipMs), histogram(timings, Timings::getNetworkWaitMs),
        histogram(timings, Timings::getInferenceMs), histogram(timings, Timings::getAnswerToEventMs));
  }

  /** "p50 / p99" of each part, in milliseconds. */
  String describe() {
    return String.format(Locale.ROOT, "to the clip %s ms, waiting for the network %s, in the network %s, from the answer to the event %s",
        percentiles(toClip), percentiles(networkWait), percentiles(network), percentiles(answerToEvent));
  }

  private static String percentiles(Histogram h) {
    if (h.getTotalCount() == 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.0f / %.0f", MillisHistogram.percentile(h, 50), MillisHistogram.percentile(h, 99));
  }

  private static Histogram histogram(Collection<Timings> timings, ToDoubleFunction<Timings> millis) {
    return MillisHistogram.of(timings.stream().mapToDouble(millis));
  }
}
