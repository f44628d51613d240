package io.actionstream.model.frame;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Turns a scaled BGR image into the JPEG bytes of one frame, applying the crop or padding of a
 * {@link ResizePlan} on the way (OpenCV, libjpeg-turbo). One instance per camera thread: it keeps
 * its padding canvas and encoder parameters between frames instead of allocating them anew.
 */
public final class JpegFrameEncoder implements AutoCloseable {

  private final ResizePlan plan;
  private final IntPointer params;
  private final Mat canvas = new Mat();
  private final Scalar black = new Scalar(0, 0, 0, 0);
  private final Rect cropRect;

  public JpegFrameEncoder(ResizePlan plan, int quality) {
    this.plan = plan;
    this.params = new IntPointer(IMWRITE_JPEG_QUALITY, quality);
    PixelRect crop = plan.crop();
    this.cropRect = new Rect(crop.x(), crop.y(), crop.width(), crop.height());
  }

  public ResizePlan plan() {
    return plan;
  }

  /** Encodes {@code scaled}, which must be {@code plan.scaledWidth() x plan.scaledHeight()}. */
  public byte[] encode(Mat scaled) {
    if (scaled.cols() != plan.scaledWidth() || scaled.rows() != plan.scaledHeight()) {
      throw new IllegalArgumentException(
          "expected a "
              + plan.scaledWidth() + "x" + plan.scaledHeight()
              + " image, got " + scaled.cols() + "x" + scaled.rows());
    }
    return switch (plan.mode()) {
      case STRETCH -> toJpeg(scaled);
      case CROP -> {
        if (plan.scaledIsFrame()) {
          yield toJpeg(scaled);
        }
        try (Mat view = new Mat(scaled, cropRect)) {
          yield toJpeg(view);
        }
      }
      case FIT -> {
        if (plan.scaledIsFrame()) {
          yield toJpeg(scaled);
        }
        PixelRect r = plan.imageRegion();
        copyMakeBorder(
            scaled,
            canvas,
            r.y(),
            plan.height() - r.y() - r.height(),
            r.x(),
            plan.width() - r.x() - r.width(),
            BORDER_CONSTANT,
            black);
        yield toJpeg(canvas);
      }
    };
  }

  private byte[] toJpeg(Mat image) {
    try (BytePointer buffer = new BytePointer()) {
      if (!imencode(".jpg", image, buffer, params)) {
        throw new IllegalStateException("OpenCV could not encode a " + image.cols() + "x" + image.rows() + " image");
      }
      byte[] bytes = new byte[(int) buffer.limit()];
      buffer.get(bytes);
      return bytes;
    }
  }

  @Override
  public void close() {
    canvas.close();
    params.close();
    black.close();
    cropRect.close();
  }
}
