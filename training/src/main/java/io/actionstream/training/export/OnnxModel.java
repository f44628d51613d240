package io.actionstream.training.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * An exported model running in ONNX Runtime (CPU), for the parity check and the quality gate:
 * the same engine inference uses, so the gate scores exactly what would be served.
 */
public final class OnnxModel implements AutoCloseable {

  /** Flat outputs for {@code n} clips. */
  public record Outputs(int n, float[] logits, float[] attention) {}

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final long[] inputShape;

  /**
   * Stack of the thread that talks to ONNX Runtime. ORT recurses deeply while it loads and runs
   * a graph; on a default-sized Java thread stack it overflows and the process dies with SIGSEGV
   * (seen with ORT 1.29 on this project's graph; -Xss8m was enough, this leaves room).
   */
  private static final long ORT_STACK_BYTES = 64L * 1024 * 1024;

  private final java.util.concurrent.ExecutorService ortThread =
      java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(null, task, "onnx-runtime", ORT_STACK_BYTES);
        thread.setDaemon(true);
        return thread;
      });

  public OnnxModel(byte[] model) {
    try {
      // Loading the native library registers ORT's operator schemas: that recurses too.
      environment = onOrtThread(OrtEnvironment::getEnvironment);
      session = onOrtThread(() -> {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
          options.setIntraOpNumThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
          return environment.createSession(model, options);
        }
      });
      inputShape = onOrtThread(() -> ((ai.onnxruntime.TensorInfo) session.getInputInfo().get("clip").getInfo()).getShape());
    } catch (OrtException | RuntimeException e) {
      ortThread.shutdownNow();
      throw new IllegalStateException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
    }
  }

  /** A call into ONNX Runtime, which may throw its checked exception. */
  private interface OrtCall<T> {
    T call() throws OrtException;
  }

  private <T> T onOrtThread(OrtCall<T> call) throws OrtException {
    try {
      return ortThread.submit(call::call).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for ONNX Runtime", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof OrtException ort) {
        throw ort;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  public Map<String, String> metadata() {
    try {
      return onOrtThread(() -> session.getMetadata().getCustomMetadata());
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code n} clips given as {@code [n, C, T, H, W]} flattened. */
  public Outputs run(float[] input, int n) {
    long[] shape = inputShape.clone();
    shape[0] = n;
    try {
      return onOrtThread(() -> {
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input, 0, (int) (n * shape[1] * shape[2] * shape[3] * shape[4])), shape);
            OrtSession.Result result = session.run(Map.of("clip", tensor))) {
          FloatBuffer logits = ((OnnxTensor) result.get("logits").orElseThrow()).getFloatBuffer();
          FloatBuffer attention = ((OnnxTensor) result.get("attention").orElseThrow()).getFloatBuffer();
          return new Outputs(n, toArray(logits), toArray(attention));
        }
      });
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  private static float[] toArray(FloatBuffer buffer) {
    float[] out = new float[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  @Override
  public void close() {
    try {
      onOrtThread(() -> {
        session.close();
        return null;
      });
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    } finally {
      ortThread.shutdown();
    }
  }
}
