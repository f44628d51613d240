package io.actionstream.model.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelMetadata;
import io.actionstream.model.ModelRefusedException;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.RefusalReason;
import io.actionstream.model.clip.ClipPreprocessor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A student network in an ONNX Runtime session, loaded from the ONNX file alone: its labels and
 * input spec come from the file's metadata. The one runner of the model file: inference serves
 * with it, and training's export parity check and quality gate run the exported file with it, so
 * what is checked is what is served. Loading checks everything serving relies on (the metadata,
 * the {@code clip} input, the {@code logits} and {@code attention} outputs, a trial run) and
 * refuses the model with a {@link RefusalReason} otherwise. Training's checks feed it float clips;
 * serving feeds it pixels ({@link Feed#PIXELS}: the normalization runs in the graph, see {@link
 * PixelInput}), after the same checks and a trial clip that must get the same answer both ways.
 *
 * <p>All calls into ONNX Runtime happen on threads of this model with a 64 MiB stack: ORT
 * recurses deeply while it loads and runs a graph and overflows a default Java thread stack,
 * which kills the process. On the CPU the model runs as many batches at once as there are cores,
 * each on one ORT thread, rather than one batch split over all cores: a batch split over cores
 * waits at every operator for its slowest thread, and next to busy stream threads that thread is
 * often descheduled (measured on 2 cores next to a half-busy thread: 76 clips/s split, 103
 * clips/s as two single-threaded runs; 108 and 119 with nothing else running). On CUDA one run
 * at a time feeds the GPU.
 */
public final class StudentModel implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StudentModel.class);
  private static final long ORT_STACK_BYTES = 64L * 1024 * 1024;
  /** How the threads that run the network's batches are named (then a number): what tells them apart in CPU and scheduling readings. */
  public static final String THREAD_NAME_PREFIX = "onnx-runtime-";
  /**
   * The most clips one ONNX Runtime call takes on the CPU; a larger batch runs as several calls
   * on the same thread. The per-frame convolutions' stacked inputs outgrow the caches with every
   * clip (7 MB a clip for the first stage): measured on an AMD EPYC (Zen 5) with one single-
   * threaded session per core, the shipped students ran 272 (fp32) and 501 (int8) clips/s at 1
   * clip a call, 256 and 459 at 2, 236 and 421 at 4 (medians of 11 alternating one-second
   * windows); an older machine ran 61-67 clips/s per core at 2, 55-58 at 4 and 36-39 at 8.
   */
  static final int CPU_RUN_CLIPS = 1;

  /** The outputs for {@code n} clips, flat: logits {@code [n, K]}, attention {@code [n, T'H'W']}. */
  public record Output(int n, float[] logits, float[] attention) {}

  /**
   * What a loaded model is fed: normalized float clips, as the file's {@value ModelContract#INPUT}
   * input takes them (training's checks, which compare with the training network), or the
   * prepared pixels with the normalization run by ONNX Runtime ({@link PixelInput}; serving).
   */
  public enum Feed {
    /** float32 {@code [N, 3, T, H, W]}, normalized RGB planes ({@link #run(FloatBuffer, int)}). */
    CLIPS,
    /** uint8 {@code [N, T, H, W, 3]}, each frame's prepared BGR crop ({@link #run(ByteBuffer, int)}). */
    PIXELS
  }

  /** Largest difference of a logit allowed between the pixel input and the float input at load. */
  private static final float FEED_TOLERANCE = 1e-4f;

  private final ExecutorService thread;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final ModelSpec spec;
  private final String provider;
  private final int parallelRuns;
  private final Feed feed;
  private final NetworkPriority priority;

  private StudentModel(ExecutorService thread, OrtEnvironment environment, OrtSession session, ModelSpec spec, String provider,
      int parallelRuns, Feed feed, NetworkPriority priority) {
    this.thread = thread;
    this.environment = environment;
    this.session = session;
    this.spec = spec;
    this.provider = provider;
    this.parallelRuns = parallelRuns;
    this.feed = feed;
    this.priority = priority;
  }

  /**
   * Loads a model fed float clips; see {@link #load(byte[], ExecutionProvider, String, Feed)}.
   *
   * @throws ModelRefusedException when the model must not serve
   */
  public static StudentModel load(byte[] onnx, ExecutionProvider wanted, String source) throws ModelRefusedException {
    return load(onnx, wanted, source, Feed.CLIPS);
  }

  /**
   * Loads a model whose threads keep the process's priority (training's checks); see {@link
   * #load(byte[], ExecutionProvider, String, Feed, NetworkPriority)}.
   *
   * @throws ModelRefusedException when the model must not serve
   */
  public static StudentModel load(byte[] onnx, ExecutionProvider wanted, String source, Feed feed) throws ModelRefusedException {
    return load(onnx, wanted, source, feed, NetworkPriority.NORMAL);
  }

  /**
   * Loads, checks and warms up a model. {@code source} names it in messages (a file or URI). The
   * checks run on the file's own float input; a model fed {@link Feed#PIXELS} must then give the
   * same answers through its pixel input on a trial clip, or it is refused. The threads that run
   * its batches are scheduled at {@code priority} where the process may.
   *
   * @throws ModelRefusedException when the model must not serve
   */
  public static StudentModel load(byte[] onnx, ExecutionProvider wanted, String source, Feed feed, NetworkPriority priority)
      throws ModelRefusedException {
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    AtomicInteger threads = new AtomicInteger();
    // sized for the CPU; shrunk to one thread below when the session runs on CUDA
    ThreadPoolExecutor thread = new ThreadPoolExecutor(cores, cores, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
      Thread t = new Thread(null, () -> {
        priority.applyToCurrentThread();
        task.run();
      }, THREAD_NAME_PREFIX + threads.incrementAndGet(), ORT_STACK_BYTES);
      t.setDaemon(true);
      return t;
    });
    try {
      OrtEnvironment environment = call(thread, OrtEnvironment::getEnvironment);
      String[] provider = new String[1];
      byte[][] graph = new byte[1][];
      OrtSession session;
      try {
        session = call(thread, () -> {
          graph[0] = graphFor(onnx, wanted, provider);
          return createSession(environment, graph[0], provider[0]);
        });
      } catch (OrtException e) {
        throw new ModelRefusedException(RefusalReason.NOT_ONNX, source + " is not a loadable ONNX model: " + e.getMessage(), e);
      }
      StudentModel model = null;
      try {
        ModelSpec spec = ModelMetadata.read(call(thread, () -> session.getMetadata().getCustomMetadata()));
        checkInputsAndOutputs(thread, session, spec, source);
        int parallelRuns = "cpu".equals(provider[0]) ? cores : 1;
        thread.setCorePoolSize(parallelRuns);
        thread.setMaximumPoolSize(parallelRuns);
        StudentModel clips = new StudentModel(thread, environment, session, spec, provider[0], parallelRuns, Feed.CLIPS, priority);
        model = clips;
        model.warmUp(source);
        if (feed == Feed.PIXELS) {
          OrtSession pixelSession = call(thread, () -> createSession(environment, PixelInput.prepend(graph[0], spec), provider[0]));
          model = new StudentModel(thread, environment, pixelSession, spec, provider[0], parallelRuns, Feed.PIXELS, priority);
          model.checkAgainst(clips, source);
          call(thread, () -> {
            session.close();
            return null;
          });
        }
        log.info("Loaded model {} {} ({}) from {} on {} ({} batch(es) at once, fed {}): {} labels, input {}x3x{}x{}, "
            + "attention {}x{}x{}; {}", spec.name(), spec.version(), spec.precision().label(), source, provider[0], parallelRuns,
            feed == Feed.PIXELS ? "pixels" : "float clips", spec.labels().size(), spec.frames(), spec.height(), spec.width(),
            spec.mapFrames(), spec.mapHeight(), spec.mapWidth(),
            priority.describe(model.threadScheduling(), NetworkPriority.ofCurrentThread()));
        return model;
      } catch (ModelRefusedException | RuntimeException e) {
        StudentModel opened = model;
        call(thread, () -> {
          session.close();
          if (opened != null && opened.session != session) {
            opened.session.close();
          }
          return null;
        });
        throw e;
      }
    } catch (ModelRefusedException e) {
      thread.shutdown();
      throw e;
    } catch (OrtException | RuntimeException e) {
      thread.shutdown();
      throw new ModelRefusedException(RefusalReason.NOT_ONNX, source + ": " + e.getMessage(), e);
    }
  }

  /**
   * Picks the execution provider ({@code provider[0]}: "cpu" or "cuda") and returns the graph to
   * run there: on the CPU with its 3D convolutions as per-frame ones ({@link FrameConvolutions})
   * and an int8 graph's pools as reductions ({@link IntegerPools}).
   */
  private static byte[] graphFor(byte[] onnx, ExecutionProvider wanted, String[] provider) throws OrtException {
    provider[0] = "cpu";
    if (wanted != ExecutionProvider.CPU) {
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.addCUDA(0);
        provider[0] = "cuda";
      } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
        if (wanted == ExecutionProvider.CUDA) {
          throw new OrtException("the CUDA execution provider is not usable here: " + e.getMessage()
              + " (build with -Pcuda for the GPU runtime, or use --provider cpu)");
        }
        log.warn("CUDA is not usable here ({}); running the student on the CPU", e.getMessage());
      }
    }
    if (!provider[0].equals("cpu")) {
      return onnx;
    }
    FrameConvolutions.Rewritten rewritten = FrameConvolutions.rewrite(onnx);
    if (rewritten.convolutions() > 0) {
      log.info("Running {} 3D convolution(s) as per-frame 2D convolutions on the CPU, {} max pool(s) between them on the frames",
          rewritten.convolutions(), rewritten.pools());
    }
    IntegerPools.Rewritten pools = IntegerPools.rewrite(rewritten.onnx());
    if (pools.pools() > 0) {
      log.info("Running {} max pool(s) of the int8 graph as reductions over their windows on the CPU", pools.pools());
    }
    return pools.onnx();
  }

  private static OrtSession createSession(OrtEnvironment environment, byte[] graph, String provider) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      // one thread per run: parallelism comes from running several batches at once (see above)
      options.setIntraOpNumThreads(1);
      // ORT's threads spin between runs by default, burning the cores that the stream threads
      // need to decode and prepare the next clips (measured: 3x slower preprocessing).
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      if (provider.equals("cuda")) {
        options.addCUDA(0);
      }
      return environment.createSession(graph, options);
    }
  }

  private static void checkInputsAndOutputs(ExecutorService thread, OrtSession session, ModelSpec spec, String source)
      throws ModelRefusedException, OrtException {
    Map<String, NodeInfo> inputs = call(thread, session::getInputInfo);
    Map<String, NodeInfo> outputs = call(thread, session::getOutputInfo);
    NodeInfo clip = inputs.get(ModelContract.INPUT);
    long[] expected = {-1, 3, spec.frames(), spec.height(), spec.width()};
    if (clip == null || !(clip.getInfo() instanceof TensorInfo tensor) || !shapeMatches(tensor.getShape(), expected)
        || tensor.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
      throw new ModelRefusedException(RefusalReason.WRONG_INPUT, source + ": expected a float input 'clip' of shape [N, 3, "
          + spec.frames() + ", " + spec.height() + ", " + spec.width() + "], found " + describe(inputs));
    }
    NodeInfo logits = outputs.get(ModelContract.LOGITS);
    NodeInfo attention = outputs.get(ModelContract.ATTENTION);
    if (logits == null || attention == null) {
      throw new ModelRefusedException(RefusalReason.MISSING_OUTPUTS, source + ": expected outputs '" + ModelContract.LOGITS + "' and '" + ModelContract.ATTENTION + "', found "
          + outputs.keySet());
    }
  }

  private static boolean shapeMatches(long[] shape, long[] expected) {
    if (shape.length != expected.length) {
      return false;
    }
    for (int i = 1; i < shape.length; i++) {
      if (shape[i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static String describe(Map<String, NodeInfo> nodes) {
    StringBuilder text = new StringBuilder();
    nodes.forEach((name, info) -> text.append(name).append(' ').append(info.getInfo()).append("; "));
    return text.toString();
  }

  /**
   * Refuses this pixel-fed model unless it answers a trial clip (a gradient in every channel and
   * frame) as {@code clips}, its float-fed form, answers the same clip normalized in Java.
   */
  private void checkAgainst(StudentModel clips, String source) throws ModelRefusedException {
    int frameBytes = spec.height() * spec.width() * 3;
    ByteBuffer pixels = ByteBuffer.allocateDirect(spec.clipValues());
    float[] normalized = new float[spec.clipValues()];
    byte[] frame = new byte[frameBytes];
    for (int k = 0; k < spec.frames(); k++) {
      for (int i = 0; i < frameBytes; i++) {
        frame[i] = (byte) (i * 7 + k * 13);
      }
      pixels.put(frame);
      ClipPreprocessor.normalize(frame, spec, normalized, 0, k);
    }
    Output expected;
    Output actual;
    try {
      expected = clips.run(normalized, 1);
      actual = run(pixels.flip(), 1);
    } catch (IllegalStateException e) {
      throw new ModelRefusedException(RefusalReason.WARMUP_FAILED, source + ": a trial run on pixels failed: " + e.getMessage(), e);
    }
    for (int i = 0; i < expected.logits().length; i++) {
      if (!(Math.abs(expected.logits()[i] - actual.logits()[i]) <= FEED_TOLERANCE)) {
        throw new ModelRefusedException(RefusalReason.WARMUP_FAILED, source + ": fed pixels, logit " + i + " is "
            + actual.logits()[i] + ", fed the same clip as floats " + expected.logits()[i]);
      }
    }
  }

  private void warmUp(String source) throws ModelRefusedException {
    try {
      Output out = run(new float[spec.clipValues()], 1);
      if (out.logits().length != spec.labels().size() || out.attention().length != spec.mapSize()) {
        throw new ModelRefusedException(RefusalReason.WARMUP_FAILED, source + ": a trial run gave " + out.logits().length
            + " logits and " + out.attention().length + " attention values, expected " + spec.labels().size() + " and "
            + spec.mapSize());
      }
    } catch (IllegalStateException e) {
      throw new ModelRefusedException(RefusalReason.WARMUP_FAILED, source + ": a trial run failed: " + e.getMessage(), e);
    }
  }

  public ModelSpec spec() {
    return spec;
  }

  /** "cpu" or "cuda". */
  public String provider() {
    return provider;
  }

  /** How many batches this model runs at once; callers gain nothing from submitting more. */
  public int parallelRuns() {
    return parallelRuns;
  }

  /**
   * The most clips worth giving this model in one batch: on the CPU, one ONNX Runtime call's
   * ({@link #CPU_RUN_CLIPS}), since a bigger batch only runs as several calls one after another
   * and its first clips wait for its last; on a GPU any number.
   */
  public int runClips() {
    return "cpu".equals(provider) ? CPU_RUN_CLIPS : Integer.MAX_VALUE;
  }

  /** The priority this model's threads were asked to run at; threads that feed it clip by clip ask for the same. */
  public NetworkPriority priority() {
    return priority;
  }

  /** How a thread that runs this model's batches is scheduled ({@link NetworkPriority}); empty where unknown. */
  public Optional<NetworkPriority.Scheduling> threadScheduling() {
    try {
      return call(thread, NetworkPriority::ofCurrentThread);
    } catch (OrtException e) {
      return Optional.empty();
    }
  }

  /**
   * Runs {@code n} clips held in {@code input} ({@code [n, 3, T, H, W]} from position 0). The
   * array is copied into native memory first; {@link #run(FloatBuffer, int)} avoids that.
   */
  public Output run(float[] input, int n) {
    FloatBuffer direct = ByteBuffer.allocateDirect(n * spec.clipValues() * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    direct.put(input, 0, n * spec.clipValues());
    return run(direct, n);
  }

  /**
   * Runs {@code n} clips held in a direct, native-order buffer from position 0, which ONNX
   * Runtime reads in place (a heap array is copied into fresh native memory on every run: 19 MB
   * per batch of 8 here, and 15% of the throughput).
   */
  public Output run(FloatBuffer input, int n) {
    requireFeed(Feed.CLIPS);
    return runInParts(n, (from, count) -> {
      long[] shape = {count, 3, spec.frames(), spec.height(), spec.width()};
      FloatBuffer clips = input.duplicate().position(from * spec.clipValues()).limit((from + count) * spec.clipValues()).slice();
      try (OnnxTensor tensor = OnnxTensor.createTensor(environment, clips, shape)) {
        return runOnce(ModelContract.INPUT, tensor, count);
      }
    });
  }

  /**
   * Runs {@code n} clips of prepared pixels held in a direct buffer from position 0 ({@code [n, T,
   * H, W, 3]} uint8, each frame the BGR crop {@link ClipPreprocessor}
   * prepares), which ONNX Runtime reads in place; for a model loaded with {@link Feed#PIXELS}.
   */
  public Output run(ByteBuffer pixels, int n) {
    requireFeed(Feed.PIXELS);
    return runInParts(n, (from, count) -> {
      long[] shape = {count, spec.frames(), spec.height(), spec.width(), 3};
      ByteBuffer clips = pixels.duplicate().position(from * spec.clipValues()).limit((from + count) * spec.clipValues()).slice();
      try (OnnxTensor tensor = OnnxTensor.createTensor(environment, clips, shape, ai.onnxruntime.OnnxJavaType.UINT8)) {
        return runOnce(ModelContract.PIXELS, tensor, count);
      }
    });
  }

  public Feed feed() {
    return feed;
  }

  private void requireFeed(Feed wanted) {
    if (feed != wanted) {
      throw new IllegalStateException("model " + spec.name() + " " + spec.version() + " was loaded to be fed " + feed
          + ", not " + wanted);
    }
  }

  /** One ONNX Runtime run over clips {@code from} to {@code from + count} of a batch. */
  private interface Part {
    Output run(int from, int count) throws OrtException;
  }

  /** Runs a batch of {@code n} on this model's thread, in CPU-sized parts (see {@link #CPU_RUN_CLIPS}). */
  private Output runInParts(int n, Part part) {
    int step = Math.min(n, runClips());
    try {
      return call(thread, () -> {
        if (n <= step) {
          return part.run(0, n);
        }
        int classes = spec.labels().size();
        float[] logits = new float[n * classes];
        float[] attention = new float[n * spec.mapSize()];
        for (int from = 0; from < n; from += step) {
          int count = Math.min(step, n - from);
          Output out = part.run(from, count);
          System.arraycopy(out.logits(), 0, logits, from * classes, count * classes);
          System.arraycopy(out.attention(), 0, attention, from * spec.mapSize(), count * spec.mapSize());
        }
        return new Output(n, logits, attention);
      });
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on a batch of " + n + ": " + e.getMessage(), e);
    }
  }

  private Output runOnce(String input, OnnxTensor tensor, int n) throws OrtException {
    try (OrtSession.Result result = session.run(Map.of(input, tensor))) {
      return new Output(n, values(result, ModelContract.LOGITS), values(result, ModelContract.ATTENTION));
    }
  }

  private static float[] values(OrtSession.Result result, String name) {
    FloatBuffer buffer = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
    float[] out = new float[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  @Override
  public void close() {
    try {
      call(thread, () -> {
        session.close();
        return null;
      });
    } catch (OrtException e) {
      log.warn("Closing model {} {}: {}", spec.name(), spec.version(), e.getMessage());
    } finally {
      thread.shutdown();
    }
  }

  /** A call into ONNX Runtime. */
  private interface OrtCall<T> {
    T call() throws OrtException;
  }

  private static <T> T call(ExecutorService thread, OrtCall<T> call) throws OrtException {
    try {
      return thread.submit(call::call).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for ONNX Runtime", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof OrtException ort) {
        throw ort;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
