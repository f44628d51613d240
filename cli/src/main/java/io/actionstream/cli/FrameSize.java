package io.actionstream.cli;

import java.util.Locale;
import java.util.Optional;

/**
 * A frame size given on the command line as {@code WIDTHxHEIGHT}, e.g. {@code 128x128}: the form
 * {@code ingest --size} and {@code train --frame-size} take. Each command says in its own words
 * what is wrong with a value and checks the range it accepts.
 */
record FrameSize(int width, int height) {

  /** The size {@code text} names, or empty when it is not two whole numbers joined by an {@code x}. */
  static Optional<FrameSize> parse(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x");
    // nine digits at most: a bigger number would overflow an int, and no frame is that large
    if (parts.length != 2 || !parts[0].matches("\\d{1,9}") || !parts[1].matches("\\d{1,9}")) {
      return Optional.empty();
    }
    return Optional.of(new FrameSize(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
  }
}
