package io.actionstream.inference.topology;

import java.time.Duration;

/**
 * When a stream thread asks Kafka Streams for an exactly-once commit: while the network has no
 * clip waiting or running, at most every {@code interval}, once events or dead letters are out,
 * or once the oldest frame taken in has waited {@linkplain #QUIET_WAIT 250 ms}; while the network
 * stays busy, only once the oldest event or dead letter has waited {@linkplain #longestWait() a
 * second}. Kafka Streams' own periodic commit is left as a {@linkplain #backstop() backstop} five
 * seconds apart, which also bounds how long frames alone wait where the network is never idle.
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

  /**
   * The oldest event or dead letter waits at most this long to be committed (or the interval,
   * where longer), network busy or not. Counted from the first event rather than the first frame
   * taken in, so that a burst whose events all come within a second has no commit inside it.
   */
  static final Duration LONGEST_WAIT = Duration.ofSeconds(1);

  /**
   * How long frames taken in wait for a commit of their own while the network is idle: committed
   * at every interval, a commit for frames alone just before an event held that event back an
   * interval (round 25: the steady {@code read_committed} p99 from 115-137 to 196-200 ms).
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

  /** How long the oldest event or dead letter may wait for its commit, however busy the network is. */
  public Duration longestWait() {
    return longer(interval, LONGEST_WAIT);
  }

  /**
   * Whether to ask for a commit now: the oldest record taken in or forwarded since the last
   * request has waited {@code uncommittedMs}, the oldest event or dead letter among them {@code
   * outputMs} (negative: there is none), the last request was {@code sinceLastMs} ago, and the
   * network is busy or not. Not only this thread's clips count: in a burst a thread's own clips
   * may all be answered while the other thread's, or its own next ones still on their way, keep
   * the network busy.
   */
  boolean due(long uncommittedMs, long outputMs, long sinceLastMs, boolean networkBusy) {
    if (uncommittedMs < 0) {
      return false;
    }
    if (outputMs >= longestWait().toMillis()) {
      return true;
    }
    if (networkBusy || sinceLastMs < interval.toMillis()) {
      return false;
    }
    return outputMs >= 0 || uncommittedMs >= QUIET_WAIT.toMillis();
  }

  private static Duration longer(Duration a, Duration b) {
    return a.compareTo(b) > 0 ? a : b;
  }
}
