package io.actionstream.ingest.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in configuration files and flags: 500ms, 30s, 5m, 2h, or
 * ISO-8601 (PT30S). The one parser of the project; the command line's converter uses it too.
 */
public final class Durations {

  private static final Pattern HUMAN = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  private Durations() {}

  /**
   * @throws IllegalArgumentException saying what is expected, when {@code text} is not a duration
   */
  public static Duration parse(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (value.startsWith("p")) {
        return Duration.parse(value.toUpperCase(Locale.ROOT));
      }
      Matcher m = HUMAN.matcher(value);
      if (m.matches()) {
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw new IllegalArgumentException("expected a duration such as 500ms, 2s, 1m or 1h, got '" + text.trim() + "'");
  }
}
