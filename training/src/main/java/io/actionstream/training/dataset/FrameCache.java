package io.actionstream.training.dataset;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Decodes each video once (FFmpeg through JavaCV) into square RGB frames: the shorter side is
 * scaled to {@code size} and the centre is kept. The result goes to a cache folder and is
 * memory-mapped from there, so later epochs and later runs do not decode again. Cache entries
 * are keyed by the video's path, length and modification time, so a changed file is decoded
 * anew.
 */
public final class FrameCache {

  private static final int MAGIC = 0x41534632; // "ASF2"
  /** magic, frames, size, fps, source width, source height */
  private static final int HEADER = 4 + 4 + 4 + 8 + 4 + 4;

  static {
    FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
    FFmpegLogCallback.set();
  }

  private final Path dir;
  private final int size;
  private final int maxFrames;
  private final Map<Path, DecodedVideo> open = new ConcurrentHashMap<>();

  public FrameCache(Path dir, int size, int maxFrames) {
    this.dir = dir;
    this.size = size;
    this.maxFrames = maxFrames;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the frame cache " + dir, e);
    }
  }

  public int size() {
    return size;
  }

  /** The decoded frames of {@code sample}, decoding it first if it is not cached yet. */
  public DecodedVideo load(VideoSample sample) throws CorruptVideoException {
    DecodedVideo cached = open.get(sample.video());
    if (cached != null) {
      return cached;
    }
    Path file = dir.resolve(keyOf(sample) + ".rgb");
    try {
      if (!Files.isRegularFile(file)) {
        decodeTo(sample.video(), file);
      }
      DecodedVideo video = map(file, sample);
      open.put(sample.video(), video);
      return video;
    } catch (IOException e) {
      throw new UncheckedIOException("frame cache " + file + ": " + e.getMessage(), e);
    }
  }

  private void decodeTo(Path video, Path file) throws CorruptVideoException, IOException {
    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
    int frames = 0;
    double fps;
    int[] source = new int[2];
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
        Mat scaled = new Mat();
        Mat rgb = new Mat()) {
      grabber.setImageMode(FrameGrabber.ImageMode.COLOR);
      grabber.start();
      fps = grabber.getFrameRate();
      byte[] row = new byte[size * size * 3];
      Frame frame;
      while (frames < maxFrames && (frame = grabber.grabImage()) != null) {
        Mat image = converter.convert(frame);
        if (image == null) {
          continue;
        }
        source[0] = image.cols();
        source[1] = image.rows();
        double scale = (double) size / Math.min(image.cols(), image.rows());
        int w = Math.max(size, (int) Math.round(image.cols() * scale));
        int h = Math.max(size, (int) Math.round(image.rows() * scale));
        resize(image, scaled, new Size(w, h), 0, 0, INTER_AREA);
        try (Mat centre = new Mat(scaled, new Rect((w - size) / 2, (h - size) / 2, size, size))) {
          cvtColor(centre, rgb, COLOR_BGR2RGB);
        }
        rgb.data().get(row);
        pixels.write(row);
        frames++;
      }
      grabber.stop();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new CorruptVideoException(video + ": cannot be decoded: " + e.getMessage(), e);
    }
    if (frames == 0) {
      throw new CorruptVideoException(video + ": no video frames could be decoded", null);
    }
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(header)) {
      out.writeInt(MAGIC);
      out.writeInt(frames);
      out.writeInt(size);
      out.writeDouble(fps);
      out.writeInt(source[0]);
      out.writeInt(source[1]);
    }
    Path tmp = Files.createTempFile(dir, "decode", ".tmp");
    try (var out = Files.newOutputStream(tmp)) {
      header.writeTo(out);
      pixels.writeTo(out);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private DecodedVideo map(Path file, VideoSample sample) throws IOException {
    int frames;
    double fps;
    int sw;
    int sh;
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      if (in.readInt() != MAGIC) {
        throw new IOException("not a frame cache file");
      }
      frames = in.readInt();
      if (in.readInt() != size) {
        throw new IOException("cached at another size");
      }
      fps = in.readDouble();
      sw = in.readInt();
      sh = in.readInt();
    }
    ByteBuffer pixels;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      pixels = channel.map(FileChannel.MapMode.READ_ONLY, HEADER, (long) frames * size * size * 3);
    }
    BoxTrack boxes = null;
    if (sample.hasBoxes()) {
      double scale = (double) size / Math.min(sw, sh);
      double offsetX = (Math.max(size, Math.round(sw * scale)) - size) / 2.0;
      double offsetY = (Math.max(size, Math.round(sh * scale)) - size) / 2.0;
      boxes = BoxTrack.read(sample.boxes(), scale, offsetX, offsetY, size);
    }
    return new DecodedVideo(frames, size, fps, pixels, boxes);
  }

  /** A stable name for the decoded video in caches: changes when the file or the size does. */
  public String keyOf(VideoSample sample) {
    try {
      return key(sample.video());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String key(Path video) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(video.toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      digest.update((Files.size(video) + ":" + Files.getLastModifiedTime(video).toMillis() + ":" + size + ":" + maxFrames)
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest(), 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
