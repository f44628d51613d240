package io.actionstream.training.export;

/** An export that must not be published (for example, one that fails the parity check). */
public final class ExportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ExportException(String message) {
    super(message);
  }
}
