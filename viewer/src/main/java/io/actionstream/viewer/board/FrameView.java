package io.actionstream.viewer.board;

import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.Region;
import java.util.Base64;

/**
 * A frame as the page draws it: the ingest's JPEG, and where the source picture lies in it, so
 * that boxes and maps in normalized source coordinates land on the right pixels.
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
        Base64.getEncoder().encodeToString(frame.getImage().toByteArray()), frame.getWidth(), frame.getHeight(), sourceWidth,
        sourceHeight, Box.of(frame.getSourceRegion(), sourceWidth, sourceHeight), Box.of(frame.getImageRegion(), frame.getWidth(),
            frame.getHeight()));
  }
}
