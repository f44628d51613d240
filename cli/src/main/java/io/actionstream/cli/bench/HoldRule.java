package io.actionstream.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * When a number of real-time cameras counts as held by the machine: nearly all their events came
 * out, the latency did not grow over the run, and it stayed within a bound. A lag that does not
 * grow is not enough on its own: at the edge of its capacity a machine can serve every clip a
 * second late, steadily, which no operator watching live would call real time.
 *
 * @param minEventShare the least share of the expected events that must come out
 * @param maxP99Ms the most the run's capture-to-event p99 may be, in milliseconds
 */
record HoldRule(double minEventShare, double maxP99Ms) {

  HoldRule {
    if (!(minEventShare > 0 && minEventShare <= 1)) {
      throw new IllegalArgumentException("the share of events must be in (0, 1], got " + minEventShare);
    }
    if (!(maxP99Ms > 0)) {
      throw new IllegalArgumentException("the p99 bound must be positive, got " + maxP99Ms + " ms");
    }
  }

  /** What a real-time run measured that the rule looks at. */
  record Observed(double eventShare, double firstThirdMedianMs, double lastThirdMedianMs, double p99Ms) {}

  /** Why the cameras did not hold, or empty where they held. */
  Optional<String> failure(Observed run) {
    List<String> reasons = new ArrayList<>();
    if (run.eventShare() < minEventShare) {
      reasons.add(String.format(Locale.ROOT, "%.0f%% of the expected events, fewer than %.0f%%", 100 * run.eventShare(),
          100 * minEventShare));
    }
    // a median may wander by a few tens of ms between thirds of a steady run; a growing lag doubles it
    if (run.lastThirdMedianMs() > Math.max(2 * run.firstThirdMedianMs(), run.firstThirdMedianMs() + 250)) {
      reasons.add(String.format(Locale.ROOT, "lag grows (median %.0f ms in the first third, %.0f ms in the last)",
          run.firstThirdMedianMs(), run.lastThirdMedianMs()));
    }
    if (!(run.p99Ms() <= maxP99Ms)) {
      reasons.add(String.format(Locale.ROOT, "p99 %.0f ms, above %.0f ms", run.p99Ms(), maxP99Ms));
    }
    return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
  }

  /** The rule in words, for the report. */
  String describe() {
    return String.format(Locale.ROOT, "at least %.0f%% of the expected events, a median capture-to-event in the last third of the "
        + "run at most twice (or 250 ms above) the first third's, and a p99 of at most %.0f ms", 100 * minEventShare, maxP99Ms);
  }
}
