package io.actionstream.training.dataset;

import com.google.protobuf.UnsafeByteOperations;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.model.clip.Picture;
import io.actionstream.model.frame.FrameEncoder;
import io.actionstream.model.frame.ImageFormat;
import io.actionstream.model.frame.ResizeMode;
import io.actionstream.model.frame.ResizePlan;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.FrameEncoding;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Puts each video through what serving does to a camera's frames, once, and keeps the result:
 * FFmpeg decodes and scales each frame as the ingest does (the model's {@code frame_encoding}:
 * frame size, resize mode, image encoding, through the shared {@link ResizePlan} and {@link
 * FrameEncoder}), and the shared {@link ClipPreprocessor} decodes the image and resizes it
 * into the model's {@link Picture}. The pictures go to a cache folder and are memory-mapped from
 * there, so later epochs and later runs do not redo it. Entries are keyed by the video's path,
 * length and modification time and by the input spec, so a changed file or preprocessing is
 * done anew.
 */
public final class FrameCache {

  private static final int MAGIC = 0x41534633; // "ASF3"

  static {
    FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
    FFmpegLogCallback.set();
  }

  private final Path dir;
  private final ModelSpec spec;
  private final int maxFrames;
  private final String specKey;
  private final Map<Path, DecodedVideo> open = new ConcurrentHashMap<>();

  /** A cache of videos prepared for models with {@code spec}'s input. */
  public FrameCache(Path dir, ModelSpec spec, int maxFrames) {
    this.dir = dir;
    this.spec = spec;
    this.maxFrames = maxFrames;
    // the frame rate is metadata, not preprocessing: it does not change the pixels
    this.specKey = spec.input().toBuilder().clearFps().build().toString();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the frame cache " + dir, e);
    }
  }

  public ModelSpec spec() {
    return spec;
  }

  /** The prepared frames of {@code sample}, preparing them first if they are not cached yet. */
  public DecodedVideo load(VideoSample sample) throws CorruptVideoException {
    DecodedVideo cached = open.get(sample.video());
    if (cached != null) {
      return cached;
    }
    Path file = dir.resolve(keyOf(sample) + ".bgr");
    try {
      if (!Files.isRegularFile(file)) {
        prepareTo(sample.video(), file);
      }
      DecodedVideo video = map(file, sample);
      open.put(sample.video(), video);
      return video;
    } catch (IOException e) {
      throw new UncheckedIOException("frame cache " + file + ": " + e.getMessage(), e);
    }
  }

  /** What {@link #encode} read: the frames, the file's frame rate and the ingest's geometry (no image). */
  private record Encoded(int frames, double fps, Frame geometry) {}

  private static Encoded encode(Path video, FrameEncoding encoding, int maxFrames, java.util.function.Consumer<Frame> sink)
      throws CorruptVideoException {
    int frames = 0;
    double fps;
    Frame template;
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
      grabber.setImageMode(FrameGrabber.ImageMode.COLOR);
      grabber.start();
      fps = grabber.getFrameRate();
      if (!grabber.hasVideo() || grabber.getImageWidth() <= 0) {
        throw new CorruptVideoException(video + ": no video stream", null);
      }
      // the ingest's steps, in its order: plan, scale in the decoder, crop or pad, JPEG
      ResizePlan plan = ResizePlan.of(ResizeMode.of(encoding.getResizeMode()), grabber.getImageWidth(), grabber.getImageHeight(),
          encoding.getWidth(), encoding.getHeight());
      grabber.setImageWidth(plan.scaledWidth());
      grabber.setImageHeight(plan.scaledHeight());
      try (FrameEncoder encoder = new FrameEncoder(plan, ImageFormat.of(encoding.getEncoding()), encoding.getQuality())) {
        template = encoder.describe(Frame.newBuilder().setCameraId(video.getFileName().toString())).build();
        org.bytedeco.javacv.Frame grabbed;
        while (frames < maxFrames && (grabbed = grabber.grabImage()) != null) {
          Mat image = converter.convert(grabbed);
          if (image == null) {
            continue;
          }
          sink.accept(template.toBuilder().setSequenceNumber(frames).setMediaTimeUs(grabbed.timestamp)
              .setImage(UnsafeByteOperations.unsafeWrap(encoder.encode(image))).build());
          frames++;
        }
      }
      grabber.stop();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new CorruptVideoException(video + ": cannot be decoded: " + e.getMessage(), e);
    }
    if (frames == 0) {
      throw new CorruptVideoException(video + ": no video frames could be decoded", null);
    }
    return new Encoded(frames, fps, template);
  }

  /** The frame rate a video file declares. */
  public static double frameRate(Path video) throws CorruptVideoException {
    try (FFmpegFrameGrabber probe = new FFmpegFrameGrabber(video.toFile())) {
      probe.start();
      double fps = probe.getFrameRate();
      probe.stop();
      return fps;
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new CorruptVideoException(video + ": cannot be decoded: " + e.getMessage(), e);
    }
  }

  private void prepareTo(Path video, Path file) throws CorruptVideoException, IOException {
    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
    int[] size = new int[2];
    Encoded encoded;
    try (ClipPreprocessor preprocessor = new ClipPreprocessor()) {
      encoded = encode(video, spec.frameEncoding(), maxFrames, frame -> {
        Mat image = ClipPreprocessor.decode(frame);
        if (image == null) {
          throw new IllegalStateException("a frame of " + video + " did not survive its encoding");
        }
        try {
          Picture picture = preprocessor.resize(image, frame, spec);
          size[0] = picture.width();
          size[1] = picture.height();
          pixels.writeBytes(picture.bgr());
        } finally {
          image.close();
        }
      });
    }
    byte[] header = encoded.geometry().toByteArray();
    Path tmp = Files.createTempFile(dir, "prepare", ".tmp");
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(tmp))) {
      out.writeInt(MAGIC);
      out.writeInt(encoded.frames());
      out.writeInt(size[0]);
      out.writeInt(size[1]);
      out.writeDouble(encoded.fps());
      out.writeInt(header.length);
      out.write(header);
      pixels.writeTo(out);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private DecodedVideo map(Path file, VideoSample sample) throws IOException {
    int frames;
    int width;
    int height;
    double fps;
    Frame geometry;
    long start;
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      if (in.readInt() != MAGIC) {
        throw new IOException("not a frame cache file");
      }
      frames = in.readInt();
      width = in.readInt();
      height = in.readInt();
      fps = in.readDouble();
      byte[] header = new byte[in.readInt()];
      in.readFully(header);
      geometry = Frame.parseFrom(header);
      start = 4 + 4 + 4 + 4 + 8 + 4 + header.length;
    }
    ByteBuffer pixels;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      pixels = channel.map(FileChannel.MapMode.READ_ONLY, start, (long) frames * width * height * 3);
    }
    BoxTrack boxes = sample.hasBoxes() ? BoxTrack.read(sample.boxes(), geometry.getSourceWidth(), geometry.getSourceHeight()) : null;
    return new DecodedVideo(frames, width, height, fps, pixels, geometry, boxes);
  }

  /** A stable name for the prepared video in caches: changes when the file or the preprocessing does. */
  public String keyOf(VideoSample sample) {
    try {
      Path video = sample.video();
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(video.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
      digest.update((Files.size(video) + ":" + Files.getLastModifiedTime(video).toMillis() + ":" + maxFrames + ":" + specKey)
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest(), 0, 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
