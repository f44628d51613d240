package io.actionstream.training.dataset;

/**
 * A data folder that cannot be trained on. The message names the file (and line) at fault and
 * what to change.
 */
public final class DatasetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
