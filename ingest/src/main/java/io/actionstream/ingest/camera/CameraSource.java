package io.actionstream.ingest.camera;

/**
 * A source of decoded camera images: a file, a network stream or a local device.
 *
 * <p>A source is opened, read until it ends or fails, and may be opened again after {@link
 * #close()} (that is how files loop and live streams reconnect). Implementations decode and scale
 * in one step, so the caller says once, after opening, which size it wants.
 */
public interface CameraSource extends AutoCloseable {

  /** Opens the source; fails with a message naming the camera and its URI. */
  SourceFormat open() throws CameraException;

  /** Delivers images of this size from now on (the decoder's colour conversion scales too). */
  void scaleTo(int width, int height);

  /**
   * The next image, or {@code null} when the stream has ended. Throws when the stream broke
   * (network error, corrupt data the decoder cannot skip).
   */
  GrabbedImage grab() throws CameraException;

  /** Releases the decoder; the source can be opened again. Never throws. */
  @Override
  void close();
}
