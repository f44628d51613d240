package io.actionstream.training.flow;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import io.actionstream.training.dataset.DecodedVideo;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Computes the optical flow of each decoded video once and keeps it on disk, quantized to
 * signed bytes (see {@link FlowField}), memory-mapped on later reads. The cache file name
 * includes the method and bound, so switching method never mixes flows.
 */
public final class FlowCache {

  private static final int MAGIC = 0x41534647; // "ASFG"
  private static final int HEADER = 4 + 4 + 4 + 4 + 4;

  private final Path dir;
  private final FlowMethod method;
  private final float bound;
  private final ThreadLocal<OpticalFlow> algorithms;
  private final Map<String, FlowField> open = new ConcurrentHashMap<>();

  public FlowCache(Path dir, FlowMethod method, float bound) {
    this.dir = dir;
    this.method = method;
    this.bound = bound;
    this.algorithms = ThreadLocal.withInitial(() -> new OpticalFlow(method));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the flow cache " + dir, e);
    }
  }

  public FlowMethod method() {
    return method;
  }

  /** The flow of a decoded video; {@code key} names it in the cache (e.g. the video's hash). */
  public FlowField load(String key, DecodedVideo video) {
    FlowField cached = open.get(key);
    if (cached != null) {
      return cached;
    }
    Path file = dir.resolve(key + "." + method.label() + "-" + bound + ".flow");
    try {
      if (!Files.isRegularFile(file)) {
        compute(video, file);
      }
      FlowField field = map(file, video.width(), video.height());
      open.put(key, field);
      return field;
    } catch (IOException e) {
      throw new UncheckedIOException("flow cache " + file + ": " + e.getMessage(), e);
    }
  }

  private void compute(DecodedVideo video, Path file) throws IOException {
    int size = video.width() * video.height();
    int pairs = Math.max(1, video.frames() - 1);
    byte[] out = new byte[pairs * size * 2];
    OpticalFlow algorithm = algorithms.get();
    try (Mat previous = grey(video, 0); Mat flow = new Mat()) {
      Mat current = previous;
      for (int t = 0; t < pairs; t++) {
        Mat next = grey(video, Math.min(t + 1, video.frames() - 1));
        algorithm.compute(current, next, flow);
        quantize(flow, out, t * size * 2, size);
        if (current != previous) {
          current.close();
        }
        current = next;
      }
      if (current != previous) {
        current.close();
      }
    }
    Path tmp = Files.createTempFile(dir, "flow", ".tmp");
    try (DataOutputStream data = new DataOutputStream(Files.newOutputStream(tmp))) {
      data.writeInt(MAGIC);
      data.writeInt(pairs);
      data.writeInt(video.width());
      data.writeInt(video.height());
      data.writeFloat(bound);
      data.write(out);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Removes the median motion (camera shake), clips to +-bound and stores bytes. */
  private void quantize(Mat flow, byte[] out, int offset, int n) {
    FloatBuffer values = flow.createBuffer();
    float[] xs = new float[n];
    float[] ys = new float[n];
    for (int i = 0; i < n; i++) {
      xs[i] = values.get(2 * i);
      ys[i] = values.get(2 * i + 1);
    }
    float medianX = median(xs.clone());
    float medianY = median(ys.clone());
    for (int i = 0; i < n; i++) {
      out[offset + 2 * i] = toByte((xs[i] - medianX) / bound);
      out[offset + 2 * i + 1] = toByte((ys[i] - medianY) / bound);
    }
  }

  private static byte toByte(float normalized) {
    return (byte) Math.round(Math.max(-1f, Math.min(1f, normalized)) * 127f);
  }

  private static float median(float[] values) {
    Arrays.sort(values);
    return values[values.length / 2];
  }

  private static Mat grey(DecodedVideo video, int t) {
    try (Mat bgr = new Mat(video.height(), video.width(), CV_8UC3)) {
      bgr.data().put(video.frame(t));
      Mat grey = new Mat();
      cvtColor(bgr, grey, COLOR_BGR2GRAY);
      return grey;
    }
  }

  private FlowField map(Path file, int width, int height) throws IOException {
    int pairs;
    float storedBound;
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      if (in.readInt() != MAGIC) {
        throw new IOException("not a flow cache file");
      }
      pairs = in.readInt();
      if (in.readInt() != width || in.readInt() != height) {
        throw new IOException("cached at another size");
      }
      storedBound = in.readFloat();
    }
    ByteBuffer values;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      values = channel.map(FileChannel.MapMode.READ_ONLY, HEADER, (long) pairs * width * height * 2);
    }
    return new FlowField(pairs, width, height, storedBound, values);
  }
}
