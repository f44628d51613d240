package io.actionstream.inference.topology;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.model.frame.ImageFormat;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.Region;
import java.time.Clock;
import java.time.Duration;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decides whether a record of the frames topic is a usable frame: cheap checks first (parse,
 * identity, declared sizes, geometry, timestamps), the image last (a JPEG decoded, an
 * uncompressed BGR24 or I420 frame's byte count checked). A usable JPEG frame comes with its
 * decoded image, so nothing decodes it a second time. Hostile input of any kind ends in a {@link
 * Result} with a reason, never in an exception.
 */
public final class FrameValidator {

  /**
   * A usable frame with its decoded image (BGR, owned by the receiver, who closes it; null for an
   * uncompressed frame, whose bytes are its pixels), or the reason and a detail for the
   * dead-letter topic.
   */
  public record Result(Frame frame, Mat image, DlqReason reason, String detail) {
    public boolean valid() {
      return frame != null;
    }

    static Result ok(Frame frame, Mat image) {
      return new Result(frame, image, null, null);
    }

    static Result bad(DlqReason reason, String detail) {
      return new Result(null, null, reason, detail);
    }
  }

  /** Room for JPEG headers, tables and metadata on top of the pixels. */
  private static final long HEADER_BYTES = 64 * 1024;

  private final int maxDimension;
  private final Duration futureTolerance;
  private final Clock clock;

  /**
   * @param maxDimension largest width or height accepted, in pixels
   * @param futureTolerance how far in the future a capture time may lie (clock skew)
   */
  public FrameValidator(int maxDimension, Duration futureTolerance, Clock clock) {
    this.maxDimension = maxDimension;
    this.futureTolerance = futureTolerance;
    this.clock = clock;
  }

  public Result validate(String key, byte[] value) {
    if (value == null || value.length == 0) {
      return Result.bad(DlqReason.EMPTY_VALUE, "the record has no value");
    }
    Frame frame;
    try {
      // the image aliases the record's bytes instead of being copied out of them (a raw frame is 48 KiB)
      CodedInputStream input = CodedInputStream.newInstance(value);
      input.enableAliasing(true);
      frame = Frame.parser().parseFrom(input);
    } catch (InvalidProtocolBufferException e) {
      return Result.bad(DlqReason.NOT_A_FRAME, "not an actionstream.v1.Frame: " + e.getMessage());
    }
    if (frame.getCameraId().isBlank()) {
      return Result.bad(DlqReason.MISSING_CAMERA_ID, "the frame has no camera id");
    }
    if (!frame.getCameraId().equals(key)) {
      return Result.bad(DlqReason.KEY_MISMATCH, "record key '" + key + "' is not the frame's camera id '" + frame.getCameraId() + "'");
    }
    ImageFormat format = ImageFormat.supported(frame.getEncoding()).orElse(null);
    if (format == null) {
      return Result.bad(DlqReason.UNSUPPORTED_ENCODING, "image encoding " + frame.getEncoding() + " is none of JPEG, BGR24 and I420");
    }
    boolean raw = format.uncompressed();
    if (frame.getImage().isEmpty()) {
      return Result.bad(DlqReason.EMPTY_IMAGE, "the frame has no image");
    }
    // protobuf uint32 arrives as a Java int: read it unsigned, or 3e9 would pass as negative
    long width = u(frame.getWidth());
    long height = u(frame.getHeight());
    if (width == 0 || height == 0 || width > maxDimension || height > maxDimension
        || u(frame.getSourceWidth()) > 16L * maxDimension || u(frame.getSourceHeight()) > 16L * maxDimension) {
      return Result.bad(DlqReason.BAD_DIMENSIONS, "declared size " + width + "x" + height
          + " (source " + u(frame.getSourceWidth()) + "x" + u(frame.getSourceHeight()) + ") is outside 1.." + maxDimension);
    }
    // no JPEG of a w x h image needs more bytes than the raw RGB pixels plus headers
    if (frame.getImage().size() > 3 * width * height + (raw ? 0 : HEADER_BYTES)) {
      return Result.bad(DlqReason.IMAGE_TOO_LARGE, frame.getImage().size() + " image bytes for a " + frame.getWidth() + "x"
          + frame.getHeight() + " frame");
    }
    if (!inside(frame.getImageRegion(), frame.getWidth(), frame.getHeight())
        || !inside(frame.getSourceRegion(), frame.getSourceWidth(), frame.getSourceHeight())) {
      return Result.bad(DlqReason.BAD_GEOMETRY, "image region " + text(frame.getImageRegion()) + " or source region "
          + text(frame.getSourceRegion()) + " does not fit");
    }
    long nowUs = clock.millis() * 1_000;
    if (frame.getCaptureTimeUs() <= 0 || frame.getCaptureTimeUs() > nowUs + futureTolerance.toNanos() / 1_000) {
      return Result.bad(DlqReason.BAD_TIMESTAMP, "capture time " + frame.getCaptureTimeUs() + " us is missing or in the future");
    }
    if (raw) {
      // the bytes are the pixels: nothing to decode, and the preprocessing crops them where they are
      String sizeProblem = format.sizeProblem(frame.getWidth(), frame.getHeight());
      if (sizeProblem != null) {
        return Result.bad(DlqReason.UNDECODABLE_IMAGE, sizeProblem);
      }
      long expected = format.pixelBytes(width, height);
      return frame.getImage().size() == expected ? Result.ok(frame, null) : Result.bad(DlqReason.UNDECODABLE_IMAGE,
          frame.getImage().size() + " bytes are not the " + expected + " of " + width + "x" + height + " "
              + format.label() + " pixels");
    }
    Mat image = ClipPreprocessor.decode(frame);
    if (image == null) {
      return Result.bad(DlqReason.UNDECODABLE_IMAGE, "the image is not a decodable JPEG");
    }
    if (image.cols() != width || image.rows() != height) {
      String detail = "the JPEG is " + image.cols() + "x" + image.rows() + ", the frame says " + width + "x" + height;
      image.close();
      return Result.bad(DlqReason.UNDECODABLE_IMAGE, detail);
    }
    return Result.ok(frame, image);
  }

  /** An empty region means "not recorded" and is fine; a recorded one must fit. */
  private static boolean inside(Region region, int width, int height) {
    if (region.getWidth() == 0 && region.getHeight() == 0) {
      return true;
    }
    return region.getWidth() != 0 && region.getHeight() != 0
        && u(region.getX()) + u(region.getWidth()) <= u(width) && u(region.getY()) + u(region.getHeight()) <= u(height);
  }

  private static long u(int value) {
    return Integer.toUnsignedLong(value);
  }

  private static String text(Region r) {
    return u(r.getX()) + "," + u(r.getY()) + " " + u(r.getWidth()) + "x" + u(r.getHeight());
  }
}
