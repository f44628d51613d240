package io.actionstream.viewer.board;

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
   * I420 converted here as the Frame schema defines its planes) encoded here; a frame whose bytes
   * are not its declared size's pixels gives no image.
   */
  static byte[] jpegOf(Frame frame) {
    boolean bgr24 = frame.getEncoding() == ImageEncoding.IMAGE_ENCODING_BGR24;
    boolean i420 = frame.getEncoding() == ImageEncoding.IMAGE_ENCODING_I420;
    if (!bgr24 && !i420) {
      return frame.getImage().toByteArray();
    }
    int width = frame.getWidth();
    int height = frame.getHeight();
    long pixels = (long) width * height;
    if (width < 1 || height < 1 || (i420 && (width % 2 != 0 || height % 2 != 0))
        || frame.getImage().size() != (bgr24 ? 3 * pixels : pixels * 3 / 2)) {
      return new byte[0];
    }
    // a TYPE_3BYTE_BGR raster holds blue, green, red per pixel, row after row: a BGR24 frame's own layout
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    if (bgr24) {
      frame.getImage().copyTo(raster, 0);
    } else {
      i420ToBgr(frame.getImage().toByteArray(), width, height, raster);
    }
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpg", jpeg);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return jpeg.toByteArray();
  }

  /**
   * I420 planes as BGR pixels by ITU-R BT.601's limited-range definition, which the Frame schema
   * names: the page shows what any consumer of the topic would, so the viewer converts from the
   * schema rather than with the model contract's code (integer coefficients, scaled by 256).
   */
  private static void i420ToBgr(byte[] planes, int width, int height, byte[] bgr) {
    int lumaSize = width * height;
    int chromaWidth = width / 2;
    int chromaSize = chromaWidth * (height / 2);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int chroma = (y / 2) * chromaWidth + x / 2;
        int c = (planes[y * width + x] & 0xFF) - 16;
        int d = (planes[lumaSize + chroma] & 0xFF) - 128;
        int e = (planes[lumaSize + chromaSize + chroma] & 0xFF) - 128;
        int p = (y * width + x) * 3;
        bgr[p] = clamp((298 * c + 516 * d + 128) >> 8);
        bgr[p + 1] = clamp((298 * c - 100 * d - 208 * e + 128) >> 8);
        bgr[p + 2] = clamp((298 * c + 409 * e + 128) >> 8);
      }
    }
  }

  private static byte clamp(int value) {
    return (byte) Math.max(0, Math.min(255, value));
  }
}
