package io.actionstream.inference.topology;

import java.util.Locale;

/**
 * Why a record of the frames topic could not be used. It travels in the {@code
 * actionstream.dlq.reason} header of the record on the dead-letter topic (with a readable
 * detail in {@code actionstream.dlq.detail}) and labels the DLQ metric.
 */
public enum DlqReason {
  /** No value at all. */
  EMPTY_VALUE,
  /** The value is not a Frame protobuf. */
  NOT_A_FRAME,
  /** The frame has no camera id. */
  MISSING_CAMERA_ID,
  /** The record key is not the frame's camera id. */
  KEY_MISMATCH,
  /** The image is not JPEG. */
  UNSUPPORTED_ENCODING,
  /** No image bytes. */
  EMPTY_IMAGE,
  /** More image bytes than any frame of the configured maximum size needs. */
  IMAGE_TOO_LARGE,
  /** Declared width or height is zero or beyond the maximum. */
  BAD_DIMENSIONS,
  /** The image or source region does not fit the image or source. */
  BAD_GEOMETRY,
  /** Capture time missing, or too far in the future. */
  BAD_TIMESTAMP,
  /** The JPEG does not decode, or decodes to another size than declared. */
  UNDECODABLE_IMAGE,
  /**
   * A complete clip whose frame rate is not the model's (beyond the tolerance): its frames go
   * to the dead-letter topic instead of an event the model cannot be trusted on.
   */
  FRAME_RATE_MISMATCH;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
