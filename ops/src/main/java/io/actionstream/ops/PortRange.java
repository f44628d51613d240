package io.actionstream.ops;

/**
 * Where a service's operations endpoint listens: one port, a range whose first free port is
 * taken (so that several instances on one host do not collide), any free port ({@code 0}), or
 * none ({@code -1}). Written as {@code 9402}, {@code 9402-9409}, {@code 0} or {@code -1}.
 *
 * @param first lowest port to try; 0 for any free port, -1 for no endpoint
 * @param last highest port to try (equal to {@code first} for one port)
 */
public record PortRange(int first, int last) {

  /** No endpoint. */
  public static final PortRange OFF = new PortRange(-1, -1);
  /** Any free port the operating system picks. */
  public static final PortRange ANY = new PortRange(0, 0);

  public PortRange {
    if (first == -1 || first == 0) {
      if (last != first) {
        throw new IllegalArgumentException("port " + first + " cannot start a range");
      }
    } else if (first < 1 || first > 65_535 || last < first || last > 65_535) {
      throw new IllegalArgumentException("ports must be 1-65535 with the first not above the last, got " + first + "-" + last);
    }
  }

  /** One port (or 0 for any, -1 for off). */
  public static PortRange of(int port) {
    return new PortRange(port, port);
  }

  /**
   * Reads {@code 9402}, {@code 9402-9409}, {@code 0} or {@code -1}; the message of a bad value
   * starts with {@code setting}.
   */
  public static PortRange parse(String setting, String text) {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
    }
  }

  /** As {@link #parse(String, String)}, the message of a bad value starting with the value. */
  public static PortRange parse(String text) {
    String value = text == null ? "" : text.trim();
    try {
      int dash = value.indexOf('-', 1);
      if (dash < 0) {
        return of(Integer.parseInt(value));
      }
      return new PortRange(Integer.parseInt(value.substring(0, dash).trim()), Integer.parseInt(value.substring(dash + 1).trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + value + "' is not a port (1-65535), a range such as 9402-9409,"
          + " 0 (any free port) or -1 (off)" + (e instanceof NumberFormatException ? "" : ": " + e.getMessage()), e);
    }
  }

  public boolean off() {
    return first == -1;
  }

  @Override
  public String toString() {
    return first == last ? Integer.toString(first) : first + "-" + last;
  }
}
