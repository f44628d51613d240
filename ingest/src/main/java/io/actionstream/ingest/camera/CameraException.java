package io.actionstream.ingest.camera;

/**
 * A camera that cannot be opened or read. The message names the camera and its (redacted) URI
 * and says what went wrong, in words an operator can act on.
 */
public final class CameraException extends Exception {
  private static final long serialVersionUID = 1L;

  public CameraException(String message) {
    super(message);
  }

  public CameraException(String message, Throwable cause) {
    super(message, cause);
  }
}
