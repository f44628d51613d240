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

  private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final long[] inputShape;

  public OnnxModel(byte[] model) {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
      session = environment.createSession(model, options);
      var info = (ai.onnxruntime.TensorInfo) session.getInputInfo().get("clip").getInfo();
      inputShape = info.getShape();
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
    }
  }

  public Map<String, String> metadata() {
    try {
      return session.getMetadata().getCustomMetadata();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code n} clips given as {@code [n, C, T, H, W]} flattened. */
  public Outputs run(float[] input, int n) {
    long[] shape = inputShape.clone();
    shape[0] = n;
    try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input, 0, (int) (n * shape[1] * shape[2] * shape[3] * shape[4])), shape);
        OrtSession.Result result = session.run(Map.of("clip", tensor))) {
      FloatBuffer logits = ((OnnxTensor) result.get("logits").orElseThrow()).getFloatBuffer();
      FloatBuffer attention = ((OnnxTensor) result.get("attention").orElseThrow()).getFloatBuffer();
      return new Outputs(n, toArray(logits), toArray(attention));
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
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
