package io.actionstream.inference.topology;

import java.time.Duration;

/**
 * When a stream thread asks Kafka Streams for an exactly-once commit: once its events are out
 * and the network has no clip waiting or running, at most every {@code interval}; Kafka Streams'
 * own periodic commit is left as the {@linkplain #backstop() backstop} that bounds how long a
 * thread whose clips never stop coming waits.
 *
 * <p>A commit blocks the stream thread until the broker has the transaction: no answer becomes an
 * event and no clip reaches the network meanwhile, and in a burst the broker answers late. At
 * Kafka Streams' fixed 100 ms every burst of clips from cameras started together had several
 * commits inside it; committing once its clips have come back makes the burst's events visible
 * in one transaction right after its last answer (README, round 21).
 */
public record CommitPacing(Duration interval) {

  /** The backstop is never shorter than this, so that a burst lasting a few hundred milliseconds has at most one. */
  static final Duration SHORTEST_BACKSTOP = Duration.ofSeconds(1);

  public CommitPacing {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("the commit interval must not be negative, got " + interval);
    }
  }

  /** Kafka Streams' own commit interval: commits happen at least this often whatever the network does. */
  public Duration backstop() {
    return interval.compareTo(SHORTEST_BACKSTOP) > 0 ? interval : SHORTEST_BACKSTOP;
  }

  /**
   * Whether to ask for a commit now, {@code sinceLastMs} after the last request: events or dead
   * letters forwarded since then wait to be visible, and the network is idle. Not only this
   * thread's clips count: in a burst a thread's own clips may all be answered while the other
   * thread's, or its own next ones still on their way, keep the network busy.
   */
  boolean due(long sinceLastMs, boolean outputWaiting, boolean networkBusy) {
    return outputWaiting && !networkBusy && sinceLastMs >= interval.toMillis();
  }
}
