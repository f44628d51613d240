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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
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
 * refuses the model with a {@link RefusalReason} otherwise.
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
  /**
   * The most clips one ONNX Runtime call takes on the CPU; a larger batch runs as several calls
   * on the same thread. The per-frame convolutions' stacked inputs of 8 clips no longer fit the
   * caches (58 MB for the first stage): measured with one thread on the shipped student, 61-67
   * clips/s at 2 clips a call, 55-58 at 4, 36-39 at 8.
   */
  static final int CPU_RUN_CLIPS = 2;

  /** The outputs for {@code n} clips, flat: logits {@code [n, K]}, attention {@code [n, T'H'W']}. */
  public record Output(int n, float[] logits, float[] attention) {}

  private final ExecutorService thread;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final ModelSpec spec;
  private final String provider;
  private final int parallelRuns;

  private StudentModel(ExecutorService thread, OrtEnvironment environment, OrtSession session, ModelSpec spec, String provider,
      int parallelRuns) {
    this.thread = thread;
    this.environment = environment;
    this.session = session;
    this.spec = spec;
    this.provider = provider;
    this.parallelRuns = parallelRuns;
  }

  /**
   * Loads, checks and warms up a model. {@code source} names it in messages (a file or URI).
   *
   * @throws ModelRefusedException when the model must not serve
   */
  public static StudentModel load(byte[] onnx, ExecutionProvider wanted, String source) throws ModelRefusedException {
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    AtomicInteger threads = new AtomicInteger();
    // sized for the CPU; shrunk to one thread below when the session runs on CUDA
    ThreadPoolExecutor thread = new ThreadPoolExecutor(cores, cores, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
      Thread t = new Thread(null, task, "onnx-runtime-" + threads.incrementAndGet(), ORT_STACK_BYTES);
      t.setDaemon(true);
      return t;
    });
    try {
      OrtEnvironment environment = call(thread, OrtEnvironment::getEnvironment);
      String[] provider = new String[1];
      OrtSession session;
      try {
        session = call(thread, () -> createSession(environment, onnx, wanted, provider));
      } catch (OrtException e) {
        throw new ModelRefusedException(RefusalReason.NOT_ONNX, source + " is not a loadable ONNX model: " + e.getMessage(), e);
      }
      try {
        ModelSpec spec = ModelMetadata.read(call(thread, () -> session.getMetadata().getCustomMetadata()));
        checkInputsAndOutputs(thread, session, spec, source);
        int parallelRuns = "cpu".equals(provider[0]) ? cores : 1;
        thread.setCorePoolSize(parallelRuns);
        thread.setMaximumPoolSize(parallelRuns);
        StudentModel model = new StudentModel(thread, environment, session, spec, provider[0], parallelRuns);
        model.warmUp(source);
        log.info("Loaded model {} {} ({}) from {} on {} ({} batch(es) at once): {} labels, input {}x3x{}x{}, attention {}x{}x{}",
            spec.name(), spec.version(), spec.precision().label(), source, provider[0], parallelRuns, spec.labels().size(),
            spec.frames(), spec.height(), spec.width(), spec.mapFrames(), spec.mapHeight(), spec.mapWidth());
        return model;
      } catch (ModelRefusedException | RuntimeException e) {
        call(thread, () -> {
          session.close();
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

  private static OrtSession createSession(OrtEnvironment environment, byte[] onnx, ExecutionProvider wanted, String[] provider)
      throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      // one thread per run: parallelism comes from running several batches at once (see above)
      options.setIntraOpNumThreads(1);
      // ORT's threads spin between runs by default, burning the cores that the stream threads
      // need to decode and prepare the next clips (measured: 3x slower preprocessing).
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      provider[0] = "cpu";
      if (wanted != ExecutionProvider.CPU) {
        try {
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
      byte[] graph = onnx;
      if (provider[0].equals("cpu")) {
        FrameConvolutions.Rewritten rewritten = FrameConvolutions.rewrite(onnx);
        if (rewritten.convolutions() > 0) {
          log.info("Running {} 3D convolution(s) as per-frame 2D convolutions on the CPU", rewritten.convolutions());
        }
        graph = rewritten.onnx();
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
    int step = "cpu".equals(provider) ? CPU_RUN_CLIPS : n;
    try {
      return call(thread, () -> {
        if (n <= step) {
          return runOnce(input, 0, n);
        }
        int classes = spec.labels().size();
        float[] logits = new float[n * classes];
        float[] attention = new float[n * spec.mapSize()];
        for (int from = 0; from < n; from += step) {
          int count = Math.min(step, n - from);
          Output part = runOnce(input, from, count);
          System.arraycopy(part.logits(), 0, logits, from * classes, count * classes);
          System.arraycopy(part.attention(), 0, attention, from * spec.mapSize(), count * spec.mapSize());
        }
        return new Output(n, logits, attention);
      });
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on a batch of " + n + ": " + e.getMessage(), e);
    }
  }

  /** One ONNX Runtime run over clips {@code from} to {@code from + n} of {@code input}; on this model's thread. */
  private Output runOnce(FloatBuffer input, int from, int n) throws OrtException {
    long[] shape = {n, 3, spec.frames(), spec.height(), spec.width()};
    FloatBuffer clips = input.duplicate().position(from * spec.clipValues()).limit((from + n) * spec.clipValues()).slice();
    try (OnnxTensor tensor = OnnxTensor.createTensor(environment, clips, shape);
        OrtSession.Result result = session.run(Map.of(ModelContract.INPUT, tensor))) {
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
