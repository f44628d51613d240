package io.actionstream.cli.bench;

import io.actionstream.ingest.IngestService;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.util.List;
import java.util.Locale;

/**
 * How many frames a real-time run's cameras held back for the network in the same process
 * (frames that complete no clip, while the network was busy) and for how long in all, read from
 * the ingest's own counters; {@link #NONE} for a run whose cameras send every frame when due.
 */
record HeldFrames(boolean deferring, double frames, double seconds) {

  static final HeldFrames NONE = new HeldFrames(false, 0, 0);

  /** What the cameras of {@code ingests} held over their whole run, warm-up included. */
  static HeldFrames of(List<IngestService> ingests) {
    double frames = 0;
    double seconds = 0;
    for (IngestService ingest : ingests) {
      for (var snapshot : ingest.registry().scrape()) {
        if (snapshot instanceof CounterSnapshot counter) {
          double sum = counter.getDataPoints().stream().mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
          switch (snapshot.getMetadata().getName()) {
            case "actionstream_ingest_frames_deferred" -> frames += sum;
            case "actionstream_ingest_deferred_seconds" -> seconds += sum;
            default -> { }
          }
        }
      }
    }
    return new HeldFrames(true, frames, seconds);
  }

  String describe() {
    if (!deferring) {
      return "every frame went when it was due (--no-frame-deferral)";
    }
    return String.format(Locale.ROOT, "the cameras held %.0f frames that complete no clip while the network was busy, "
        + "%.1f ms each on average (the whole run, warm-up included)", frames, 1000 * seconds / Math.max(1, frames));
  }
}
