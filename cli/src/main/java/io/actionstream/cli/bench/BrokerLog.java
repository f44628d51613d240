package io.actionstream.cli.bench;

import io.actionstream.broker.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Where and how long the embedded broker of the benchmark's real-time runs keeps its log. Since
 * round 24 the default is a RAM-backed folder ({@value #RAM_DISK}) at Kafka's default retention:
 * nothing is rolled, written to disk or deleted within a run. With a retention (rounds 17-23: 15
 * s in segments rolled every 5 s, each written to disk when rolled) the broker's request handlers
 * took 0.5-1.3 cores for about 200 ms in two of four synchronized bursts recorded with {@code perf
 * sched}, and the network ran dry meanwhile (README, round 24). On a disk
 * without a retention the kernel wrote 30 s of frames back at once and stalled the broker (round
 * 17), so a retention stays the choice for a log on a disk. Each run's log is deleted after it.
 *
 * @param parent the folder each run's log goes in (a new folder per run)
 * @param retention what the log keeps, or zero for Kafka's defaults (7 days, 1 GiB segments)
 */
record BrokerLog(Path parent, Duration retention) {

  /** The RAM-backed file system of Linux, the default parent. */
  static final String RAM_DISK = "/dev/shm";

  /** The shortest retention the benchmark takes (rounds 17-23's rule): its segments roll every third of it. */
  static final Duration SHORTEST_RETENTION = Duration.ofSeconds(3);

  /** Room left beside a run's log: the broker's indexes and the run's other temporary files. */
  private static final long SPARE_BYTES = 256L << 20;

  BrokerLog {
    if (!retention.isZero() && retention.compareTo(SHORTEST_RETENTION) < 0) {
      throw new IllegalArgumentException(
          "--broker-retention must be 0 (Kafka's defaults) or at least 3s, got " + retention.toMillis() + " ms");
    }
    if (!Files.isDirectory(parent)) {
      throw new IllegalArgumentException("--broker-log-dir " + parent + " is not a folder (the default, " + RAM_DISK
          + ", is Linux's RAM disk; elsewhere give a folder, and a --broker-retention such as 15s if it is on a disk)");
    }
  }

  /** Puts the run's log under {@link #parent} and, with a retention, rolls and deletes it as {@link #retention} says. */
  EmbeddedKafkaBroker.Builder configure(EmbeddedKafkaBroker.Builder builder) {
    builder.temporaryDataUnder(parent);
    if (!retention.isZero()) {
      long ms = retention.toMillis();
      builder.brokerProperty("log.retention.ms", String.valueOf(ms))
          .brokerProperty("log.roll.ms", String.valueOf(ms / 3))
          .brokerProperty("log.retention.check.interval.ms", String.valueOf(Math.max(1000, ms / 6)))
          .brokerProperty("log.segment.delete.delay.ms", "0");
    }
    return builder;
  }

  /**
   * Why a run of {@code cameras} for {@code seconds}, each frame at most {@code frameBytes}, does
   * not fit in {@code usableBytes} of the parent's file system; empty when it fits or a
   * retention bounds the log. A RAM disk that fills up fails the broker's appends mid-run.
   */
  Optional<String> roomProblem(long usableBytes, int cameras, double fps, double seconds, long frameBytes) {
    if (!retention.isZero()) {
      return Optional.empty();
    }
    long needed = (long) Math.ceil(cameras * fps * seconds * frameBytes) + SPARE_BYTES;
    if (needed <= usableBytes) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "a real-time run of %d cameras for %.0f s writes up to %.1f GiB of frames to the "
        + "broker's log in %s, which has %.1f GiB free: give a larger folder with --broker-log-dir, or a --broker-retention "
        + "such as 15s", cameras, seconds, needed / (double) (1L << 30), parent, usableBytes / (double) (1L << 30)));
  }

  /** What the report says of the real-time runs' broker. */
  String describe() {
    String where = "its log in " + parent;
    return retention.isZero() ? "the embedded broker at Kafka's default retention, " + where
        : String.format(Locale.ROOT, "the embedded broker keeping %.0f s of data in segments of %.0f s, %s", retention.toMillis() / 1e3,
            retention.toMillis() / 3e3, where);
  }
}
