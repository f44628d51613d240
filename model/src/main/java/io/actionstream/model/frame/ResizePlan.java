package io.actionstream.model.frame;

import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.Region;

/**
 * How one source size is turned into one frame size, worked out once per opened source.
 *
 * <p>The decoder first scales the whole source to {@code scaledWidth x scaledHeight}; then
 * {@code crop} (a rectangle of the scaled image) is cut out and placed at {@code imageRegion} of
 * a {@code width x height} frame, the rest of which is padding. {@code sourceRegion} is the part
 * of the source, in source pixels, that ends up in {@code imageRegion}: the pair is what lets
 * boxes found in the frame be mapped back to source pixels.
 */
public record ResizePlan(
    ResizeMode mode,
    int sourceWidth,
    int sourceHeight,
    int scaledWidth,
    int scaledHeight,
    PixelRect crop,
    PixelRect sourceRegion,
    PixelRect imageRegion,
    int width,
    int height) {

  /** Plans fitting a {@code sourceWidth x sourceHeight} source into {@code width x height}. */
  public static ResizePlan of(
      ResizeMode mode, int sourceWidth, int sourceHeight, int width, int height) {
    if (sourceWidth <= 0 || sourceHeight <= 0 || width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "sizes must be positive: source " + sourceWidth + "x" + sourceHeight + ", target " + width + "x" + height);
    }
    PixelRect fullSource = PixelRect.of(sourceWidth, sourceHeight);
    PixelRect fullFrame = PixelRect.of(width, height);
    switch (mode) {
      case STRETCH:
        return new ResizePlan(
            mode, sourceWidth, sourceHeight, width, height, fullFrame, fullSource, fullFrame, width, height);
      case CROP: {
        double scale = Math.max((double) width / sourceWidth, (double) height / sourceHeight);
        int scaledW = Math.max(width, (int) Math.round(sourceWidth * scale));
        int scaledH = Math.max(height, (int) Math.round(sourceHeight * scale));
        PixelRect crop = new PixelRect((scaledW - width) / 2, (scaledH - height) / 2, width, height);
        double sx = (double) scaledW / sourceWidth;
        double sy = (double) scaledH / sourceHeight;
        int srcX = (int) Math.round(crop.x() / sx);
        int srcY = (int) Math.round(crop.y() / sy);
        PixelRect sourceRegion =
            new PixelRect(
                srcX,
                srcY,
                Math.min(sourceWidth - srcX, (int) Math.round(width / sx)),
                Math.min(sourceHeight - srcY, (int) Math.round(height / sy)));
        return new ResizePlan(
            mode, sourceWidth, sourceHeight, scaledW, scaledH, crop, sourceRegion, fullFrame, width, height);
      }
      case FIT: {
        double scale = Math.min((double) width / sourceWidth, (double) height / sourceHeight);
        int scaledW = Math.min(width, Math.max(1, (int) Math.round(sourceWidth * scale)));
        int scaledH = Math.min(height, Math.max(1, (int) Math.round(sourceHeight * scale)));
        PixelRect imageRegion =
            new PixelRect((width - scaledW) / 2, (height - scaledH) / 2, scaledW, scaledH);
        return new ResizePlan(
            mode,
            sourceWidth,
            sourceHeight,
            scaledW,
            scaledH,
            PixelRect.of(scaledW, scaledH),
            fullSource,
            imageRegion,
            width,
            height);
      }
      default:
        throw new IllegalArgumentException("unknown resize mode " + mode);
    }
  }

  /**
   * Writes this plan's geometry into a frame: its size, the source size, the resize mode and the
   * source and image regions, so that consumers can undo the fitting.
   */
  public Frame.Builder describe(Frame.Builder frame) {
    return frame
        .setWidth(width)
        .setHeight(height)
        .setSourceWidth(sourceWidth)
        .setSourceHeight(sourceHeight)
        .setResizeMode(mode.toProto())
        .setSourceRegion(region(sourceRegion))
        .setImageRegion(region(imageRegion));
  }

  private static Region region(PixelRect r) {
    return Region.newBuilder().setX(r.x()).setY(r.y()).setWidth(r.width()).setHeight(r.height()).build();
  }

  /** True when the scaled image is already the frame (no crop, no padding). */
  public boolean scaledIsFrame() {
    return scaledWidth == width && scaledHeight == height;
  }
}
