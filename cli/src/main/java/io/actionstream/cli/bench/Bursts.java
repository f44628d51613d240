package io.actionstream.cli.bench;

import io.actionstream.schemas.v1.Timings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The clips of a synchronized run grouped into its bursts (the clips whose last frames were
 * captured within a second of each other), each with its slowest clip and where that clip's time
 * went. A run's p99 is made by its worst few bursts; this tells which, and why.
 */
record Bursts(List<Burst> bursts) {

  /** One burst: when its frames were captured (µs), its clips, and its slowest clip's timings. */
  record Burst(long captureUs, int clips, Timings slowest) {
    String describe(long runStartUs) {
      return String.format(Locale.ROOT, "at %.1f s: %d clips, slowest %.0f ms (to the clip %.0f, waiting %.0f, network %.0f, "
          + "answer to event %.0f)", (captureUs - runStartUs) / 1e6, clips, slowest.getCaptureToEventMs(), slowest.getCaptureToClipMs(),
          slowest.getNetworkWaitMs(), slowest.getInferenceMs(), slowest.getAnswerToEventMs());
    }
  }

  static Bursts of(Collection<Timings> timings) {
    List<Timings> byCapture = new ArrayList<>(timings);
    byCapture.sort(Comparator.comparingLong(Bursts::captureUs));
    List<Burst> bursts = new ArrayList<>();
    List<Timings> burst = new ArrayList<>();
    for (Timings t : byCapture) {
      // a burst's captures lie within a few ms of each other, and bursts are a clip period (2 s) apart
      if (!burst.isEmpty() && captureUs(t) - captureUs(burst.get(0)) >= 1_000_000) {
        bursts.add(burst(burst));
        burst = new ArrayList<>();
      }
      burst.add(t);
    }
    if (!burst.isEmpty()) {
      bursts.add(burst(burst));
    }
    return new Bursts(bursts);
  }

  private static Burst burst(List<Timings> clips) {
    return new Burst(captureUs(clips.get(0)), clips.size(),
        clips.stream().max(Comparator.comparingDouble(Timings::getCaptureToEventMs)).orElseThrow());
  }

  static long captureUs(Timings t) {
    return t.getEventTimeUs() - Math.round(t.getCaptureToEventMs() * 1000.0);
  }
}
