package io.actionstream.inference.topology;

import java.time.Duration;

/**
 * When a stream thread asks Kafka Streams for an exactly-once commit: while the network has no
 * clip waiting or running, at most every {@code interval}, once events or dead letters are out,
 * or once the oldest frame taken in has waited {@linkplain #QUIET_WAIT 250 ms}; while the network
 * stays busy, only once the oldest uncommitted record has waited {@linkplain #longestWait() a
 * second}. Kafka Streams' own periodic commit is left as a {@linkplain #backstop() backstop} five
 * seconds apart.
 *
 * <p>A commit blocks the stream thread until the broker has the transaction: no answer becomes an
 * event and no clip reaches the network meanwhile, and in a burst the broker answers late. At
 * Kafka Streams' fixed 100 ms every burst of clips from cameras started together had several
 * commits inside it; committing once its clips have come back makes the burst's events visible
 * in one transaction right after its last answer (README, round 21). Kafka Streams' own clock is
 * not reset by the commits asked for, so at a 1 s backstop about three bursts in ten still had
 * one inside them, blocking a thread for 39-68 ms (round 24). The frames that arrive between
 * bursts are therefore committed in the quiet time too, which leaves the backstop to a thread
 * that cannot ask, and it falls every fifth second rather than every second (round 25). Frames
 * alone wait a little in the quiet time, as a commit for them alone just before an event would
 * hold that event back an interval: where events come all the time, they take the frames along.
 */
public record CommitPacing(Duration interval) {

  /** The oldest uncommitted record waits at most this long (or the interval, where longer), network busy or not. */
  static final Duration LONGEST_WAIT = Duration.ofSeconds(1);

  /**
   * How long frames taken in wait for a commit of their own while the network is idle; a burst
   * of up to {@link #LONGEST_WAIT} less this runs without a commit inside it.
   */
  static final Duration QUIET_WAIT = Duration.ofMillis(250);

  /**
   * Kafka Streams' own commit interval (or the interval, where longer): half of the transaction
   * timeout Kafka Streams gives its producers under exactly-once (10 s), which it must not exceed.
   */
  static final Duration BACKSTOP = Duration.ofSeconds(5);

  public CommitPacing {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("the commit interval must not be negative, got " + interval);
    }
  }

  /** Kafka Streams' own commit interval: commits happen at least this often whatever the stream threads ask for. */
  public Duration backstop() {
    return longer(interval, BACKSTOP);
  }

  /** How long the oldest uncommitted record may wait, however busy the network is. */
  public Duration longestWait() {
    return longer(interval, LONGEST_WAIT);
  }

  /**
   * Whether to ask for a commit now: the oldest record taken in or forwarded since the last
   * request has waited {@code uncommittedMs} (negative: there is none), the last request was
   * {@code sinceLastMs} ago, events or dead letters are among those records or not, and the
   * network is busy or not. Not only this thread's clips count: in a burst a thread's own clips
   * may all be answered while the other thread's, or its own next ones still on their way, keep
   * the network busy.
   */
  boolean due(long uncommittedMs, long sinceLastMs, boolean outputWaiting, boolean networkBusy) {
    if (uncommittedMs < 0) {
      return false;
    }
    if (uncommittedMs >= longestWait().toMillis()) {
      return true;
    }
    if (networkBusy || sinceLastMs < interval.toMillis()) {
      return false;
    }
    return outputWaiting || uncommittedMs >= QUIET_WAIT.toMillis();
  }

  private static Duration longer(Duration a, Duration b) {
    return a.compareTo(b) > 0 ? a : b;
  }
}
