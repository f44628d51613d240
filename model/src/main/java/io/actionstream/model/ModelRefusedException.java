package io.actionstream.model;

/** A model that must not serve, with the reason; the model in service keeps serving. */
public final class ModelRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final RefusalReason reason;

  public ModelRefusedException(RefusalReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ModelRefusedException(RefusalReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public RefusalReason reason() {
    return reason;
  }
}
