package io.actionstream.ingest.config;

import java.time.Duration;

/**
 * Exponential backoff between reconnect attempts of a live camera: the first wait is {@code
 * initial}, each failed attempt doubles it, up to {@code max}.
 */
public record Backoff(Duration initial, Duration max) {

  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  /** The wait before reconnect attempt {@code attempt} (1-based). */
  public Duration delayBefore(int attempt) {
    long millis = initial.toMillis();
    for (int i = 1; i < attempt && millis < max.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, max.toMillis()));
  }
}
