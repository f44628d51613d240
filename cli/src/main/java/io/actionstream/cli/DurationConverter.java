package io.actionstream.cli;

import io.actionstream.ingest.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations of flags with the project's one duration parser ({@link Durations}). */
public final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "' is not a duration; write e.g. 500ms, 30s, 5m or 2h");
    }
  }
}
