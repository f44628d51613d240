package io.actionstream.model.clip;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_YUV2BGR_I420;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.frame.ImageFormat;
import io.actionstream.model.frame.PixelRect;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.ImageEncoding;
import io.actionstream.schemas.v1.Region;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The clip preprocessing, the one path from a frame's encoded bytes to the model's input values,
 * used by serving for every clip and by training for every clip it learns and is evaluated on:
 * JPEG decode (OpenCV; a BGR24 frame's bytes are its pixels already, an I420 frame's planes are
 * converted with OpenCV), keep the picture part of the frame (the ingest's padding removed),
 * resize the way the model's metadata says (shorter side to {@code resize_short_side} or
 * stretched, with its interpolation) into a {@link Picture}, crop
 * {@code height x width} (the centre when serving), and write normalized RGB planes of the clip
 * tensor {@code [3, T, H, W]}.
 * One instance per thread: the resize and conversion buffers are reused from frame to frame.
 */
public final class ClipPreprocessor implements AutoCloseable {

  private final Mat resized = new Mat();
  /** An I420 frame's planes and their BGR conversion on the way into a batch, reused from frame to frame. */
  private final Mat i420 = new Mat();
  private final Mat converted = new Mat();
  private byte[] resizedPixels = new byte[0];
  private byte[] planes = new byte[0];

  /**
   * The frame's picture as BGR pixels: its JPEG decoded, its BGR24 bytes as they are, or its I420
   * planes converted; null when it is not a decodable JPEG, or its uncompressed bytes are not the
   * pixels of its declared size.
   */
  public static Mat decode(Frame frame) {
    if (uncompressedFormat(frame) != null) {
      return pixels(frame);
    }
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
   * Whether the served crop of {@code frame} for {@code spec} comes straight out of its bytes: an
   * uncompressed frame (BGR24, or I420 converted on the way) whose picture is already the model's
   * resize (the shipped student's 128x128 frames). Its crop then needs no resize (OpenCV's resize to
   * the same size is a copy, so the bytes are the same) and no buffer that outlives the copy:
   * {@link #cropInto} puts it where it is needed.
   */
  public static boolean croppableFromBytes(Frame frame, ModelSpec spec) {
    return cropOrigin(frame, spec) != null;
  }

  /**
   * Where the served crop of a frame {@linkplain #croppableFromBytes croppable from its bytes}
   * starts in its image, in pixels; null when it is not croppable that way.
   */
  private static PixelRect cropOrigin(Frame frame, ModelSpec spec) {
    if (!holdsItsPixels(frame)) {
      return null;
    }
    PixelRect picture = pictureRegion(frame, frame.getWidth(), frame.getHeight());
    Crop crop = crop(spec, picture.width(), picture.height());
    if (!crop.keepsSizeOf(picture)) {
      return null;
    }
    return new PixelRect(picture.x() + crop.x(), picture.y() + crop.y(), spec.width(), spec.height());
  }

  /**
   * Whether a frame is uncompressed (BGR24 or I420) and its bytes are exactly the pixels of its
   * declared size in its format.
   */
  public static boolean holdsItsPixels(Frame frame) {
    ImageFormat format = uncompressedFormat(frame);
    return format != null && frame.getWidth() >= 1 && frame.getHeight() >= 1
        && format.sizeProblem(frame.getWidth(), frame.getHeight()) == null
        && format.pixelBytes(frame.getWidth(), frame.getHeight()) == frame.getImage().size();
  }

  /** The frame's format when it is an uncompressed one (BGR24 or I420), else null. */
  private static ImageFormat uncompressedFormat(Frame frame) {
    return ImageFormat.supported(frame.getEncoding()).filter(ImageFormat::uncompressed).orElse(null);
  }

  /**
   * Copies the served crop ({@code height x width} BGR) of a frame that is {@linkplain
   * #croppableFromBytes croppable from its bytes} to {@code out} at {@code offset}, row by row: a
   * BGR24 frame's rows as they are, an I420 frame's after converting it in this preprocessor's
   * buffers.
   *
   * @throws IllegalArgumentException when it is not
   */
  public void cropInto(Frame frame, ModelSpec spec, ByteBuffer out, int offset) {
    PixelRect origin = cropOrigin(frame, spec);
    if (origin == null) {
      throw new IllegalArgumentException("frame " + frame.getSequenceNumber() + " of camera '" + frame.getCameraId()
          + "' is not an uncompressed picture at the model's resize");
    }
    ByteBuffer bytes;
    if (frame.getEncoding() == ImageEncoding.IMAGE_ENCODING_I420) {
      convertI420(frame, i420, converted);
      bytes = converted.data().limit(3L * frame.getWidth() * frame.getHeight()).asByteBuffer();
    } else {
      bytes = frame.getImage().asReadOnlyByteBuffer();
    }
    int rowBytes = origin.width() * 3;
    for (int row = 0; row < origin.height(); row++) {
      int from = ((origin.y() + row) * frame.getWidth() + origin.x()) * 3;
      out.put(offset + row * rowBytes, bytes, from, rowBytes);
    }
  }

  /** An uncompressed frame's bytes as a BGR picture of its declared size, or null when they do not make one. */
  private static Mat pixels(Frame frame) {
    if (!holdsItsPixels(frame)) {
      return null;
    }
    Mat image = new Mat(frame.getHeight(), frame.getWidth(), CV_8UC3);
    if (frame.getEncoding() == ImageEncoding.IMAGE_ENCODING_I420) {
      try (Mat planes = new Mat()) {
        convertI420(frame, planes, image);
      }
    } else {
      frame.getImage().copyTo(image.data().limit(frame.getImage().size()).asByteBuffer());
    }
    return image;
  }

  /**
   * Converts an I420 frame that {@linkplain #holdsItsPixels holds its pixels} into {@code bgr}
   * through {@code planes} (OpenCV's conversion, the inverse of the one the ingest's {@code
   * FrameEncoder} makes; both buffers are allocated only when their size changes).
   */
  private static void convertI420(Frame frame, Mat planes, Mat bgr) {
    planes.create(frame.getHeight() * 3 / 2, frame.getWidth(), CV_8U);
    frame.getImage().copyTo(planes.data().limit(frame.getImage().size()).asByteBuffer());
    cvtColor(planes, bgr, COLOR_YUV2BGR_I420);
  }

  /**
   * Writes {@code frame} at clip position {@code k} of the clip starting at {@code out[offset]}.
   *
   * @throws IllegalArgumentException when the image cannot be decoded
   */
  public void write(Frame frame, ModelSpec spec, float[] out, int offset, int k) {
    write(prepare(frame, spec), spec, out, offset, k);
  }

  /**
   * The model's view of a frame (see {@link #prepare(Mat, Frame, ModelSpec)}), decoding it first;
   * an uncompressed frame whose picture the model does not resize is cropped straight from its bytes.
   */
  public byte[] prepare(Frame frame, ModelSpec spec) {
    if (croppableFromBytes(frame, spec)) {
      byte[] crop = new byte[spec.width() * spec.height() * 3];
      cropInto(frame, spec, ByteBuffer.wrap(crop), 0);
      return crop;
    }
    Mat image = decode(frame);
    if (image == null) {
      throw new IllegalArgumentException("frame " + frame.getSequenceNumber() + " of camera '" + frame.getCameraId()
          + "' is not a decodable image (" + frame.getEncoding() + ", " + frame.getImage().size() + " bytes for "
          + frame.getWidth() + "x" + frame.getHeight() + ")");
    }
    try {
      return prepare(image, frame, spec);
    } finally {
      image.close();
    }
  }

  /**
   * The model's view of a decoded frame as served: the centre {@code height x width} BGR pixels of
   * its {@linkplain #resize resized picture}, ready for {@link #normalize}.
   */
  public byte[] prepare(Mat image, Frame frame, ModelSpec spec) {
    Crop crop = resizeIntoBuffer(image, frame, spec);
    return Picture.crop(resizedPixels, crop.width(), crop.height(), crop.x(), crop.y(), spec.width(), spec.height(), false);
  }

  /** The decoded frame's picture (ingest padding removed) resized as the model's metadata says. */
  public Picture resize(Mat image, Frame frame, ModelSpec spec) {
    Crop crop = resizeIntoBuffer(image, frame, spec);
    return new Picture(crop.width(), crop.height(), Arrays.copyOf(resizedPixels, crop.width() * crop.height() * 3));
  }

  /**
   * Resizes the frame's picture into {@link #resizedPixels} (reused from frame to frame: serving
   * keeps only the crop, so a full picture per frame would be garbage) and says how.
   */
  private Crop resizeIntoBuffer(Mat image, Frame frame, ModelSpec spec) {
    PixelRect part = pictureRegion(frame, image.cols(), image.rows());
    Crop crop = crop(spec, part.width(), part.height());
    int total = crop.width() * crop.height() * 3;
    if (resizedPixels.length < total) {
      resizedPixels = new byte[total];
    }
    if (crop.keepsSizeOf(part) && image.type() == CV_8UC3 && image.isContinuous()) {
      // the picture is the model's resize already (the default 128x128 frames): OpenCV's resize to
      // the same size is a copy, so the picture's rows are copied out as they are, the same bytes
      // without the resize's own buffer and native objects (preparing a decoded 128x128 frame: 2.7-3.5
      // against 8.0 us, scratch measurement, README round 22)
      copyPicture(image, part);
      return crop;
    }
    try (Rect region = new Rect(part.x(), part.y(), part.width(), part.height()); Mat picture = new Mat(image, region);
        Size size = new Size(crop.width(), crop.height())) {
      opencv_imgproc.resize(picture, resized, size, 0, 0, interpolation(spec));
    }
    // one copy out of native memory, not one per row: a JNI call and a pointer object per row
    // cost more than the copying
    resized.data().get(resizedPixels, 0, total);
    return crop;
  }

  /** Copies the {@code part} of a continuous BGR image into {@link #resizedPixels}, row after row. */
  private void copyPicture(Mat image, PixelRect part) {
    BytePointer data = image.data();
    long stride = (long) image.cols() * 3;
    int rowBytes = part.width() * 3;
    if (part.x() == 0 && part.width() == image.cols()) {
      data.position(part.y() * stride).get(resizedPixels, 0, part.height() * rowBytes);
      return;
    }
    for (int row = 0; row < part.height(); row++) {
      data.position((part.y() + row) * stride + part.x() * 3L).get(resizedPixels, row * rowBytes, rowBytes);
    }
  }

  private static int interpolation(ModelSpec spec) {
    return ModelContract.AREA.equals(spec.interpolation()) ? INTER_AREA : INTER_LINEAR;
  }

  /**
   * Writes prepared pixels ({@code height x width} BGR) at clip position {@code k} of the clip
   * starting at {@code out[offset]}: RGB planes of {@code (v / 255 - mean) / std}.
   */
  public static void normalize(byte[] pixels, ModelSpec spec, float[] out, int offset, int k) {
    normalize(pixels, spec, out, offset, k, new byte[pixels.length]);
  }

  /**
   * {@link #normalize(byte[], ModelSpec, float[], int, int)} with this preprocessor's reused
   * scratch buffer (serving normalizes every frame of every clip).
   */
  public void write(byte[] pixels, ModelSpec spec, float[] out, int offset, int k) {
    if (planes.length < pixels.length) {
      planes = new byte[pixels.length];
    }
    normalize(pixels, spec, out, offset, k, planes);
  }

  /**
   * The pixels are first split into R, G and B byte planes in {@code scratch}, then each plane is
   * normalized by a loop over contiguous memory that the JIT vectorizes: 1.9x faster than one loop
   * over interleaved pixels writing three planes (0.95 vs 1.8 ms per 16x112x112 clip, measured in
   * a scratch micro-benchmark), with the same floats, value for value.
   */
  private static void normalize(byte[] pixels, ModelSpec spec, float[] out, int offset, int k, byte[] scratch) {
    int h = spec.height();
    int w = spec.width();
    int n = h * w;
    if (pixels.length != n * 3) {
      throw new IllegalArgumentException(pixels.length + " prepared bytes for a " + w + "x" + h + " frame");
    }
    int plane = spec.frames() * n;
    // OpenCV decodes to BGR; the model reads RGB
    for (int i = 0, p = 0; i < n; i++, p += 3) {
      scratch[i] = pixels[p + 2];
      scratch[n + i] = pixels[p + 1];
      scratch[2 * n + i] = pixels[p];
    }
    int base = offset + k * n;
    for (int c = 0; c < 3; c++) {
      channel(scratch, c * n, out, base + c * plane, n, scale(spec, c), shift(spec, c));
    }
  }

  /**
   * Channel {@code c}'s (RGB) factor of the normalization {@code v * scale - shift}, which is {@code
   * (v / 255 - mean) / std} as one multiply and one subtraction per value; the runner's pixel input
   * uses the same constants and operations (so the same floats).
   */
  public static float scale(ModelSpec spec, int c) {
    return 1f / (255f * spec.std()[c]);
  }

  /** Channel {@code c}'s (RGB) offset of the normalization; see {@link #scale}. */
  public static float shift(ModelSpec spec, int c) {
    return spec.mean()[c] / spec.std()[c];
  }

  private static void channel(byte[] source, int from, float[] out, int to, int n, float scale, float shift) {
    for (int i = 0; i < n; i++) {
      out[to + i] = (source[from + i] & 0xFF) * scale - shift;
    }
  }

  /** How a picture is resized (to width x height) and where the served (centre) crop starts. */
  public record Crop(int width, int height, int x, int y) {

    /** Whether this resize leaves {@code picture} at its own size (the model's resize already). */
    boolean keepsSizeOf(PixelRect picture) {
      return width == picture.width() && height == picture.height();
    }
  }

  /** The resize and centre crop of a {@code pictureWidth x pictureHeight} picture for {@code spec}. */
  public static Crop crop(ModelSpec spec, int pictureWidth, int pictureHeight) {
    if (!ModelContract.SHORT_SIDE_CENTRE_CROP.equals(spec.resize())) {
      return new Crop(spec.width(), spec.height(), 0, 0);
    }
    double scale = (double) spec.resizeShortSide() / Math.min(pictureWidth, pictureHeight);
    int w = Math.max(spec.width(), (int) Math.round(pictureWidth * scale));
    int h = Math.max(spec.height(), (int) Math.round(pictureHeight * scale));
    return new Crop(w, h, (w - spec.width()) / 2, (h - spec.height()) / 2);
  }

  /** The resize and centre crop for frames like {@code frame}, from the picture size it declares. */
  public static Crop crop(ModelSpec spec, Frame frame) {
    Region image = frame.getImageRegion();
    return crop(spec, image.getWidth() > 0 ? image.getWidth() : frame.getWidth(),
        image.getHeight() > 0 ? image.getHeight() : frame.getHeight());
  }

  /** The frame's picture without ingest padding (the whole image when no region is recorded). */
  static PixelRect pictureRegion(Frame frame, int imageWidth, int imageHeight) {
    Region r = frame.getImageRegion();
    if (r.getWidth() == 0 || r.getHeight() == 0 || r.getX() + r.getWidth() > imageWidth || r.getY() + r.getHeight() > imageHeight) {
      return PixelRect.of(imageWidth, imageHeight);
    }
    return new PixelRect(r.getX(), r.getY(), r.getWidth(), r.getHeight());
  }

  /**
   * The mapping from pixels of the model's input to normalized source coordinates for frames like
   * this one, when the model's crop starts at {@code (cropX, cropY)} of the resized picture.
   */
  public static FrameGeometry geometry(Frame frame, ModelSpec spec, int cropX, int cropY) {
    Crop crop = crop(spec, frame);
    Region source = frame.getSourceRegion();
    Region image = frame.getImageRegion();
    double sourceW = frame.getSourceWidth() > 0 ? frame.getSourceWidth() : image.getWidth() > 0 ? image.getWidth() : frame.getWidth();
    double sourceH = frame.getSourceHeight() > 0 ? frame.getSourceHeight() : image.getHeight() > 0 ? image.getHeight() : frame.getHeight();
    double regionX = source.getWidth() > 0 ? source.getX() : 0;
    double regionY = source.getHeight() > 0 ? source.getY() : 0;
    double regionW = source.getWidth() > 0 ? source.getWidth() : sourceW;
    double regionH = source.getHeight() > 0 ? source.getHeight() : sourceH;
    // model x -> resized picture (x + cropX) -> source region (times regionW / resized width)
    double ax = regionW / crop.width() / sourceW;
    double bx = (regionX + cropX * regionW / crop.width()) / sourceW;
    double ay = regionH / crop.height() / sourceH;
    double by = (regionY + cropY * regionH / crop.height()) / sourceH;
    return new FrameGeometry(ax, bx, ay, by);
  }

  /** The geometry of the served (centre) crop; see {@link #geometry(Frame, ModelSpec, int, int)}. */
  public static FrameGeometry geometry(Frame frame, ModelSpec spec) {
    Crop crop = crop(spec, frame);
    return geometry(frame, spec, crop.x(), crop.y());
  }

  @Override
  public void close() {
    resized.close();
    i420.close();
    converted.close();
  }
}
