package io.actionstream.viewer.board;

import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.ImageEncoding;
import io.actionstream.schemas.v1.Region;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A frame as the page draws it: a JPEG (the ingest's, or its uncompressed pixels encoded here), and where
 * the source picture lies in it, so that boxes and maps in normalized source coordinates land on
 * the right pixels.
 *
 * @param camera camera id (shown as text only)
 * @param sequence the frame's sequence number
 * @param captureTimeUs capture time, microseconds since the epoch
 * @param jpeg the image, base64
 * @param width image width in pixels
 * @param height image height in pixels
 * @param sourceWidth width of the camera's own frame
 * @param sourceHeight height of the camera's own frame
 * @param sourceRegion the part of the source frame in the image (source pixels)
 * @param imageRegion where that part lies in the image (image pixels)
 */
public record FrameView(String camera, long sequence, long captureTimeUs, String jpeg, int width, int height, int sourceWidth,
    int sourceHeight, Box sourceRegion, Box imageRegion) {

  /** A rectangle in pixels. */
  public record Box(int x, int y, int width, int height) {
    static Box of(Region region, int fullWidth, int fullHeight) {
      // an ingest that recorded no region used the whole picture
      return region.getWidth() == 0 || region.getHeight() == 0 ? new Box(0, 0, fullWidth, fullHeight)
          : new Box(region.getX(), region.getY(), region.getWidth(), region.getHeight());
    }
  }

  public static FrameView of(Frame frame) {
    int sourceWidth = frame.getSourceWidth() > 0 ? frame.getSourceWidth() : frame.getWidth();
    int sourceHeight = frame.getSourceHeight() > 0 ? frame.getSourceHeight() : frame.getHeight();
    return new FrameView(frame.getCameraId(), frame.getSequenceNumber(), frame.getCaptureTimeUs(),
        Base64.getEncoder().encodeToString(jpegOf(frame)), frame.getWidth(), frame.getHeight(), sourceWidth,
        sourceHeight, Box.of(frame.getSourceRegion(), sourceWidth, sourceHeight), Box.of(frame.getImageRegion(), frame.getWidth(),
            frame.getHeight()));
  }

  /**
   * The frame as a JPEG for the browser: the ingest's own, or its uncompressed pixels (BGR24, or
   * I420 converted by the model contract's {@link ClipPreprocessor#decode}) encoded here; a frame
   * whose bytes are not its declared size's pixels gives no image.
   */
  static byte[] jpegOf(Frame frame) {
    if (frame.getEncoding() == ImageEncoding.IMAGE_ENCODING_JPEG) {
      return frame.getImage().toByteArray();
    }
    if (!ClipPreprocessor.holdsItsPixels(frame)) {
      return new byte[0];
    }
    // a TYPE_3BYTE_BGR raster holds blue, green, red per pixel, row after row: the frame's own layout
    BufferedImage image = new BufferedImage(frame.getWidth(), frame.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    if (frame.getEncoding() == ImageEncoding.IMAGE_ENCODING_BGR24) {
      frame.getImage().copyTo(raster, 0);
    } else {
      try (Mat bgr = ClipPreprocessor.decode(frame)) {
        bgr.data().get(raster);
      }
    }
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpg", jpeg);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return jpeg.toByteArray();
  }
}
