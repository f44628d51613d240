package io.actionstream.inference.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.actionstream.inference.model.ModelSpec;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.Region;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns frames into the model's input: JPEG decode (OpenCV), keep the picture part of the frame
 * (the ingest's padding removed), resize the way the model's metadata says (shorter side to
 * {@code resize_short_side} then the centre, or stretched), and write normalized RGB into the
 * clip tensor {@code [3, T, H, W]}. Two steps, so a frame decoded once on arrival can wait for
 * its clip as small prepared pixels: {@link #prepare} (resize and crop) and {@link #normalize}.
 * One instance per thread: the resize buffers are reused from frame to frame.
 */
public final class FramePreprocessor implements AutoCloseable {

  private final Mat resized = new Mat();
  private byte[] resizedPixels = new byte[0];

  /** Decodes a frame's JPEG (BGR); null when it is not a decodable image. */
  public static Mat decode(Frame frame) {
    byte[] jpeg = frame.getImage().toByteArray();
    try (BytePointer data = new BytePointer(jpeg); Mat buffer = new Mat(1, jpeg.length, CV_8U, data)) {
      Mat image = imdecode(buffer, IMREAD_COLOR);
      if (image == null || image.empty()) {
        if (image != null) {
          image.close();
        }
        return null;
      }
      return image;
    }
  }

  /**
   * Writes {@code frame} at clip position {@code k} of the clip starting at {@code out[offset]}.
   *
   * @throws IllegalArgumentException when the image cannot be decoded
   */
  public void write(Frame frame, ModelSpec spec, float[] out, int offset, int k) {
    Mat image = decode(frame);
    if (image == null) {
      throw new IllegalArgumentException("frame " + frame.getSequenceNumber() + " of camera '" + frame.getCameraId()
          + "' is not a decodable JPEG");
    }
    try {
      normalize(prepare(image, frame, spec), spec, out, offset, k);
    } finally {
      image.close();
    }
  }

  /**
   * The model's view of a decoded frame: its picture (ingest padding removed) resized and cropped
   * as the model's metadata says, as {@code height x width} BGR pixels, ready for {@link #normalize}.
   */
  public byte[] prepare(Mat image, Frame frame, ModelSpec spec) {
    Crop crop;
    try (Rect picture = pictureRegion(frame, image.cols(), image.rows()); Mat region = new Mat(image, picture)) {
      crop = crop(spec, picture.width(), picture.height());
      // Bilinear: five times cheaper than area averaging, and the ingest's frames are only
      // about 1.75x larger than the model's resize target, where bilinear aliases little.
      try (Size size = new Size(crop.width(), crop.height())) {
        resize(region, resized, size, 0, 0, INTER_LINEAR);
      }
    }
    // one copy out of native memory, not one per row: a JNI call and a pointer object per row
    // cost more than the copying
    int rowBytes = crop.width() * 3;
    int total = rowBytes * crop.height();
    if (resizedPixels.length < total) {
      resizedPixels = new byte[total];
    }
    resized.data().get(resizedPixels, 0, total);
    int w = spec.width();
    byte[] pixels = new byte[spec.height() * w * 3];
    for (int y = 0; y < spec.height(); y++) {
      System.arraycopy(resizedPixels, (y + crop.y()) * rowBytes + crop.x() * 3, pixels, y * w * 3, w * 3);
    }
    return pixels;
  }

  /**
   * Writes prepared pixels (from {@link #prepare}) at clip position {@code k} of the clip starting
   * at {@code out[offset]}: RGB planes of {@code (v / 255 - mean) / std}.
   */
  public static void normalize(byte[] pixels, ModelSpec spec, float[] out, int offset, int k) {
    int h = spec.height();
    int w = spec.width();
    if (pixels.length != h * w * 3) {
      throw new IllegalArgumentException(pixels.length + " prepared bytes for a " + w + "x" + h + " frame");
    }
    int plane = spec.frames() * h * w;
    float[] mean = spec.mean();
    float[] std = spec.std();
    // (v / 255 - mean) / std as one multiply-add per value
    float scaleR = 1f / (255f * std[0]);
    float scaleG = 1f / (255f * std[1]);
    float scaleB = 1f / (255f * std[2]);
    float offsetR = mean[0] / std[0];
    float offsetG = mean[1] / std[1];
    float offsetB = mean[2] / std[2];
    int base = offset + k * h * w;
    for (int i = 0, p = 0; i < h * w; i++, p += 3) {
      // OpenCV decodes to BGR; the model reads RGB
      out[base + i] = (pixels[p + 2] & 0xFF) * scaleR - offsetR;
      out[base + plane + i] = (pixels[p + 1] & 0xFF) * scaleG - offsetG;
      out[base + 2 * plane + i] = (pixels[p] & 0xFF) * scaleB - offsetB;
    }
  }

  /** How the picture is resized (to width x height) and where the crop starts. */
  record Crop(int width, int height, int x, int y) {}

  static Crop crop(ModelSpec spec, int pictureWidth, int pictureHeight) {
    if (!ModelSpec.SHORT_SIDE_CENTRE_CROP.equals(spec.resize())) {
      return new Crop(spec.width(), spec.height(), 0, 0);
    }
    double scale = (double) spec.resizeShortSide() / Math.min(pictureWidth, pictureHeight);
    int w = Math.max(spec.width(), (int) Math.round(pictureWidth * scale));
    int h = Math.max(spec.height(), (int) Math.round(pictureHeight * scale));
    return new Crop(w, h, (w - spec.width()) / 2, (h - spec.height()) / 2);
  }

  /** The frame's picture without ingest padding (the whole image when no region is recorded). */
  static Rect pictureRegion(Frame frame, int imageWidth, int imageHeight) {
    Region r = frame.getImageRegion();
    if (r.getWidth() == 0 || r.getHeight() == 0 || r.getX() + r.getWidth() > imageWidth || r.getY() + r.getHeight() > imageHeight) {
      return new Rect(0, 0, imageWidth, imageHeight);
    }
    return new Rect(r.getX(), r.getY(), r.getWidth(), r.getHeight());
  }

  /** The mapping from model pixels to normalized source coordinates for frames like this one. */
  public static FrameGeometry geometry(Frame frame, ModelSpec spec) {
    Region image = frame.getImageRegion();
    int pictureW = image.getWidth() > 0 ? image.getWidth() : frame.getWidth();
    int pictureH = image.getHeight() > 0 ? image.getHeight() : frame.getHeight();
    Region source = frame.getSourceRegion();
    double sourceW = frame.getSourceWidth() > 0 ? frame.getSourceWidth() : pictureW;
    double sourceH = frame.getSourceHeight() > 0 ? frame.getSourceHeight() : pictureH;
    double regionX = source.getWidth() > 0 ? source.getX() : 0;
    double regionY = source.getHeight() > 0 ? source.getY() : 0;
    double regionW = source.getWidth() > 0 ? source.getWidth() : sourceW;
    double regionH = source.getHeight() > 0 ? source.getHeight() : sourceH;
    Crop crop = crop(spec, pictureW, pictureH);
    // model x -> resized picture (x + crop.x) -> source region (times regionW / resized width)
    double ax = regionW / crop.width() / sourceW;
    double bx = (regionX + crop.x() * regionW / crop.width()) / sourceW;
    double ay = regionH / crop.height() / sourceH;
    double by = (regionY + crop.y() * regionH / crop.height()) / sourceH;
    return new FrameGeometry(ax, bx, ay, by);
  }

  @Override
  public void close() {
    resized.close();
  }
}
