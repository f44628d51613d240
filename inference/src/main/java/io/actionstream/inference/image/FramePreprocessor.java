package io.actionstream.inference.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_4;
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
 * clip tensor {@code [3, T, H, W]}. One instance per thread: the Mats and the pixel row are
 * reused from frame to frame.
 */
public final class FramePreprocessor implements AutoCloseable {

  private final Mat resized = new Mat();
  private byte[] pixels = new byte[0];

  /** Decodes a frame's JPEG; null when it is not a decodable image. */
  public static Mat decode(Frame frame) {
    return decode(frame, IMREAD_COLOR);
  }

  /**
   * Decodes a frame's JPEG at a quarter of its size, in grey: libjpeg still reads every
   * coefficient (so corrupt data fails as in a full decode) but skips most of the work. The
   * image is {@code ceil(width / 4) x ceil(height / 4)}. Null when it does not decode.
   */
  public static Mat decodeQuarter(Frame frame) {
    return decode(frame, IMREAD_REDUCED_GRAYSCALE_4);
  }

  private static Mat decode(Frame frame, int mode) {
    byte[] jpeg = frame.getImage().toByteArray();
    try (BytePointer data = new BytePointer(jpeg); Mat buffer = new Mat(1, jpeg.length, CV_8U, data)) {
      Mat image = imdecode(buffer, mode);
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
      Rect picture = pictureRegion(frame, image.cols(), image.rows());
      try (Mat region = new Mat(image, picture)) {
        Crop crop = crop(spec, picture.width(), picture.height());
        // Bilinear: five times cheaper than area averaging, and the ingest's frames are only
        // about 1.75x larger than the model's resize target, where bilinear aliases little.
        resize(region, resized, new Size(crop.width(), crop.height()), 0, 0, INTER_LINEAR);
        try (Rect centre = new Rect(crop.x(), crop.y(), spec.width(), spec.height()); Mat view = new Mat(resized, centre)) {
          copyNormalized(view, spec, out, offset, k);
        }
      }
      picture.close();
    } finally {
      image.close();
    }
  }

  private void copyNormalized(Mat view, ModelSpec spec, float[] out, int offset, int k) {
    int h = spec.height();
    int w = spec.width();
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
    if (pixels.length != w * 3) {
      pixels = new byte[w * 3];
    }
    for (int y = 0; y < h; y++) {
      view.ptr(y).get(pixels, 0, w * 3);
      int base = offset + (k * h + y) * w;
      for (int x = 0; x < w; x++) {
        int p = x * 3;
        // OpenCV decodes to BGR; the model reads RGB
        out[base + x] = (pixels[p + 2] & 0xFF) * scaleR - offsetR;
        out[base + plane + x] = (pixels[p + 1] & 0xFF) * scaleG - offsetG;
        out[base + 2 * plane + x] = (pixels[p] & 0xFF) * scaleB - offsetB;
      }
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
