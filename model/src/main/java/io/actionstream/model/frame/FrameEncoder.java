package io.actionstream.model.frame;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2YUV_I420;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import io.actionstream.schemas.v1.Frame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Turns a scaled BGR image into the image bytes of one frame, applying the crop or padding of a
 * {@link ResizePlan} on the way: a JPEG (OpenCV, libjpeg-turbo), the BGR24 pixels themselves, or
 * their I420 planes (OpenCV's conversion, which training's frames go through as well). One
 * instance per camera thread: it keeps its canvas and encoder parameters between frames instead
 * of allocating them anew.
 */
public final class FrameEncoder implements AutoCloseable {

  private final ResizePlan plan;
  private final ImageFormat format;
  private final IntPointer params;
  private final Mat canvas = new Mat();
  private final Mat planes = new Mat();
  private final Scalar black = new Scalar(0, 0, 0, 0);
  private final Rect cropRect;

  /**
   * @param format the frames' image encoding
   * @param quality JPEG quality, 1-100 (unused for raw frames)
   * @throws IllegalArgumentException when the plan's frame size cannot be in {@code format} (I420: odd)
   */
  public FrameEncoder(ResizePlan plan, ImageFormat format, int quality) {
    String problem = format.sizeProblem(plan.width(), plan.height());
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    this.plan = plan;
    this.format = format;
    this.params = new IntPointer(IMWRITE_JPEG_QUALITY, quality);
    PixelRect crop = plan.crop();
    this.cropRect = new Rect(crop.x(), crop.y(), crop.width(), crop.height());
  }

  public ResizePlan plan() {
    return plan;
  }

  public ImageFormat format() {
    return format;
  }

  /** Sets the frames' geometry (see {@link ResizePlan#describe}) and image encoding. */
  public Frame.Builder describe(Frame.Builder frame) {
    return plan.describe(frame).setEncoding(format.toProto());
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
      case STRETCH -> toBytes(scaled);
      case CROP -> {
        if (plan.scaledIsFrame()) {
          yield toBytes(scaled);
        }
        try (Mat view = new Mat(scaled, cropRect)) {
          yield toBytes(view);
        }
      }
      case FIT -> {
        if (plan.scaledIsFrame()) {
          yield toBytes(scaled);
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
        yield toBytes(canvas);
      }
    };
  }

  private byte[] toBytes(Mat image) {
    if (format == ImageFormat.RAW) {
      return pixels(image);
    }
    if (format == ImageFormat.I420) {
      cvtColor(image, planes, COLOR_BGR2YUV_I420);
      byte[] bytes = new byte[(int) format.pixelBytes(image.cols(), image.rows())];
      planes.data().get(bytes);
      return bytes;
    }
    try (BytePointer buffer = new BytePointer()) {
      if (!imencode(".jpg", image, buffer, params)) {
        throw new IllegalStateException("OpenCV could not encode a " + image.cols() + "x" + image.rows() + " image");
      }
      byte[] bytes = new byte[(int) buffer.limit()];
      buffer.get(bytes);
      return bytes;
    }
  }

  /** The image's BGR bytes, row after row (a view into a bigger picture is copied out first). */
  private byte[] pixels(Mat image) {
    Mat continuous = image;
    if (!image.isContinuous()) {
      image.copyTo(canvas);
      continuous = canvas;
    }
    byte[] bytes = new byte[image.cols() * image.rows() * 3];
    continuous.data().get(bytes);
    return bytes;
  }

  @Override
  public void close() {
    canvas.close();
    planes.close();
    params.close();
    black.close();
    cropRect.close();
  }
}
