package io.actionstream.training.dataset;

/** A listed video that exists but cannot be decoded; training skips it and reports it. */
public final class CorruptVideoException extends Exception {
  private static final long serialVersionUID = 1L;

  public CorruptVideoException(String message, Throwable cause) {
    super(message, cause);
  }
}
