package io.actionstream.training.export;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.InvalidProtocolBufferException;
import io.actionstream.model.ModelContract;
import io.actionstream.model.Precision;
import io.actionstream.model.runtime.FrameConvolutions;
import io.actionstream.model.runtime.OnnxNodes;
import io.actionstream.model.runtime.OnnxTensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Rewrites an fp32 student as {@link OnnxExporter} writes it into an int8 one in ONNX's QDQ form,
 * calibrated on training clips. The graph is first put in its per-frame form
 * ({@link FrameConvolutions}: each 3x3x3 convolution a 2D one over stacked frames, batch norms
 * folded), then weights become int8 per output channel (symmetric), each backbone activation
 * uint8 per tensor with its scale set by the largest value the calibration clips produce after
 * the ReLU (so zero point 0, and pooling and frame stacking stay in uint8), and biases int32. ONNX
 * Runtime fuses each quantize/dequantize pair around a convolution into an integer convolution
 * (VNNI on CPUs that have it).
 *
 * <p>The first convolution stays fp32: its integer form, on the three colour channels of three
 * frames, made the whole network 0.7x as fast in ONNX Runtime 1.29, while the three later ones
 * ran several times faster than their fp32 form. The attention heads and the classifier stay
 * fp32: they are a fraction of a percent of the work, and the attention map's softmax is where
 * small errors would show most.
 */
public final class Int8Quantizer {

  private static final int STAGES = 4;
  private static final long CALIBRATION_STACK_BYTES = 64L * 1024 * 1024;
  private static final int INT8 = TensorProto.DataType.INT8.getNumber();
  private static final int UINT8 = TensorProto.DataType.UINT8.getNumber();
  private static final int INT32 = TensorProto.DataType.INT32.getNumber();

  /** The largest activation after each backbone ReLU over the calibration clips, stage by stage. */
  public record Calibration(int clips, float[] activationMax) {}

  /** An int8 model and the calibration it was quantized with. */
  public record Quantized(byte[] onnx, Calibration calibration) {}

  private Int8Quantizer() {}

  /**
   * Quantizes {@code fp32Onnx}, calibrated on {@code clips} (each a flat {@code [C, T, H, W]}
   * array prepared as serving prepares it).
   *
   * @throws ExportException when the model is not an fp32 student of the exporter's shape, or
   *     there are no calibration clips
   */
  public static Quantized quantize(byte[] fp32Onnx, List<float[]> clips) {
    if (clips.isEmpty()) {
      throw new ExportException("no calibration clips: int8 scales are set from real clips");
    }
    ModelProto model = parse(fp32Onnx);
    Folded folded = fold(model);
    Calibration calibration = calibrate(model, folded, clips);
    GraphProto graph = insertQuantization(folded, calibration);
    ModelProto.Builder out = model.toBuilder().setGraph(graph)
        .setDocString(model.getDocString() + "; int8 (QDQ), calibrated on " + calibration.clips() + " training clips");
    out.clearMetadataProps();
    for (StringStringEntryProto entry : model.getMetadataPropsList()) {
      if (!entry.getKey().equals(ModelContract.PRECISION_KEY)) {
        out.addMetadataProps(entry);
      }
    }
    out.addMetadataProps(StringStringEntryProto.newBuilder().setKey(ModelContract.PRECISION_KEY).setValue(Precision.INT8.label()));
    return new Quantized(out.build().toByteArray(), calibration);
  }

  private static ModelProto parse(byte[] onnx) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(onnx);
    } catch (InvalidProtocolBufferException e) {
      throw new ExportException("not an ONNX model: " + e.getMessage());
    }
    for (StringStringEntryProto entry : model.getMetadataPropsList()) {
      if (entry.getKey().equals(ModelContract.PRECISION_KEY) && !entry.getValue().equals(Precision.FP32.label())) {
        throw new ExportException("the model is already " + entry.getValue() + "; only fp32 models are quantized");
      }
    }
    return model;
  }

  /** One backbone stage after folding: its convolution and the ReLU after it. */
  private record Stage(int convIndex, int reluIndex) {}

  /** The per-frame graph, its backbone stages located, its initializers by name. */
  private record Folded(GraphProto graph, List<NodeProto> nodes, List<Stage> stages, Map<String, TensorProto> initializers) {}

  /**
   * The per-frame form of the graph ({@link FrameConvolutions}: batch norms folded, each stage a
   * 2D convolution and its ReLU), with its four stages located.
   */
  private static Folded fold(ModelProto model) {
    FrameConvolutions.Rewritten perFrame = FrameConvolutions.rewrite(model.toByteArray());
    if (perFrame.convolutions() != STAGES) {
      throw new ExportException("expected the exporter's " + STAGES + " 3x3x3 convolutions, " + perFrame.convolutions()
          + " could be run per frame");
    }
    GraphProto graph = parse(perFrame.onnx()).getGraph();
    Map<String, TensorProto> initializers = new LinkedHashMap<>();
    graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
    List<NodeProto> nodes = graph.getNodeList();
    List<Stage> stages = new ArrayList<>();
    for (int i = 0; i + 1 < nodes.size(); i++) {
      NodeProto node = nodes.get(i);
      TensorProto weight = node.getOpType().equals("Conv") ? initializers.get(node.getInput(1)) : null;
      NodeProto next = nodes.get(i + 1);
      if (weight != null && weight.getDimsCount() == 4 && next.getOpType().equals("Relu") && next.getInput(0).equals(node.getOutput(0))) {
        stages.add(new Stage(i, i + 1));
      }
    }
    if (stages.size() != STAGES) {
      throw new ExportException("expected " + STAGES + " per-frame convolution stages, found " + stages.size());
    }
    return new Folded(graph, nodes, stages, initializers);
  }

  private static Calibration calibrate(ModelProto model, Folded folded, List<float[]> clips) {
    GraphProto.Builder graph = folded.graph().toBuilder().clearNode().addAllNode(folded.nodes())
        .clearInitializer().addAllInitializer(folded.initializers().values());
    List<String> observed = new ArrayList<>();
    for (Stage stage : folded.stages()) {
      String name = folded.nodes().get(stage.reluIndex()).getOutput(0);
      observed.add(name);
      graph.addOutput(ValueInfoProto.newBuilder().setName(name));
    }
    byte[] bytes = model.toBuilder().setGraph(graph).build().toByteArray();
    long[] shape = inputShape(model);
    float[] max = new float[STAGES];
    // ONNX Runtime recurses deeply while it loads a graph; a default Java stack overflows
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    Thread worker = new Thread(null, () -> {
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try (OrtSession session = environment.createSession(bytes, options)) {
          for (float[] clip : clips) {
            if (clip.length != shape[1] * shape[2] * shape[3] * shape[4]) {
              throw new ExportException("a calibration clip has " + clip.length + " values, the model takes "
                  + shape[1] * shape[2] * shape[3] * shape[4]);
            }
            try (OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(clip), shape);
                OrtSession.Result result = session.run(Map.of(ModelContract.INPUT, input), Set.copyOf(observed))) {
              for (int s = 0; s < STAGES; s++) {
                FloatBuffer values = ((OnnxTensor) result.get(observed.get(s)).orElseThrow()).getFloatBuffer();
                while (values.hasRemaining()) {
                  max[s] = Math.max(max[s], values.get());
                }
              }
            }
          }
        }
      } catch (OrtException e) {
        failure.set(new ExportException("calibration run failed in ONNX Runtime: " + e.getMessage()));
      } catch (RuntimeException e) {
        failure.set(e);
      }
    }, "int8-calibration", CALIBRATION_STACK_BYTES);
    worker.start();
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExportException("interrupted while calibrating");
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return new Calibration(clips.size(), max);
  }

  private static long[] inputShape(ModelProto model) {
    var dims = model.getGraph().getInput(0).getType().getTensorType().getShape().getDimList();
    long[] shape = new long[dims.size()];
    shape[0] = 1;
    for (int d = 1; d < dims.size(); d++) {
      shape[d] = dims.get(d).getDimValue();
    }
    return shape;
  }

  private static GraphProto insertQuantization(Folded folded, Calibration calibration) {
    Map<String, TensorProto> initializers = new LinkedHashMap<>(folded.initializers());
    Map<Integer, Integer> convStage = new HashMap<>();
    Map<Integer, Integer> reluStage = new HashMap<>();
    for (int s = 1; s < STAGES; s++) {
      convStage.put(folded.stages().get(s).convIndex(), s);
      reluStage.put(folded.stages().get(s).reluIndex(), s);
    }
    float[] activationScale = new float[STAGES];
    for (int s = 0; s < STAGES; s++) {
      // a stage that never fired still needs a valid (positive) scale
      activationScale[s] = Math.max(calibration.activationMax()[s], 1e-6f) / 255f;
      String prefix = "stage" + s + "_activation";
      initializers.put(prefix + "_scale", floatTensor(prefix + "_scale", new float[] {activationScale[s]}, List.of()));
      initializers.put(prefix + "_zero", tensor(prefix + "_zero", UINT8, new byte[1], List.of()));
    }
    List<NodeProto> nodes = new ArrayList<>();
    for (int i = 0; i < folded.nodes().size(); i++) {
      NodeProto node = folded.nodes().get(i);
      Integer stage = convStage.get(i);
      if (stage != null) {
        // this stage's input is the previous stage's (pooled) ReLU output: the same scale, so the
        // pooling between them runs on uint8
        String previous = "stage" + (stage - 1) + "_activation";
        String input = node.getInput(0);
        nodes.add(node("QuantizeLinear", List.of(input, previous + "_scale", previous + "_zero"), input + "_quantized"));
        nodes.add(node("DequantizeLinear", List.of(input + "_quantized", previous + "_scale", previous + "_zero"), input + "_dequantized"));
        String weight = quantizeWeights(initializers, node.getInput(1), node.getInput(2), activationScale[stage - 1], nodes);
        nodes.add(node.toBuilder().setInput(0, input + "_dequantized").setInput(1, weight).setInput(2, weight + "_bias").build());
        continue;
      }
      stage = reluStage.get(i);
      if (stage != null) {
        String output = node.getOutput(0);
        String prefix = "stage" + stage + "_activation";
        nodes.add(node.toBuilder().setOutput(0, output + "_float").build());
        nodes.add(node("QuantizeLinear", List.of(output + "_float", prefix + "_scale", prefix + "_zero"), output + "_quantized"));
        nodes.add(node("DequantizeLinear", List.of(output + "_quantized", prefix + "_scale", prefix + "_zero"), output));
        continue;
      }
      nodes.add(node);
    }
    return folded.graph().toBuilder().clearNode().addAllNode(nodes).clearInitializer().addAllInitializer(initializers.values()).build();
  }

  /**
   * Replaces a folded convolution's fp32 weight and bias by int8 weights (a scale per output
   * channel) and int32 biases (at input scale x weight scale), each behind a DequantizeLinear;
   * returns the name of the dequantized weight (its bias is that name + {@code _bias}).
   */
  private static String quantizeWeights(Map<String, TensorProto> initializers, String weightName, String biasName, float inputScale,
      List<NodeProto> nodes) {
    TensorProto weightTensor = initializers.remove(weightName);
    float[] weight = floats(weightTensor);
    float[] bias = floats(initializers.remove(biasName));
    int channels = bias.length;
    int perChannel = weight.length / channels;
    float[] weightScale = new float[channels];
    float[] biasScale = new float[channels];
    byte[] weights = new byte[weight.length];
    ByteBuffer biases = ByteBuffer.allocate(channels * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int c = 0; c < channels; c++) {
      float largest = 0;
      for (int j = 0; j < perChannel; j++) {
        largest = Math.max(largest, Math.abs(weight[c * perChannel + j]));
      }
      weightScale[c] = largest > 0 ? largest / 127f : 1f;
      for (int j = 0; j < perChannel; j++) {
        weights[c * perChannel + j] = (byte) Math.max(-127, Math.min(127, Math.round(weight[c * perChannel + j] / weightScale[c])));
      }
      biasScale[c] = inputScale * weightScale[c];
      biases.putInt(Math.round(bias[c] / biasScale[c]));
    }
    String q = weightName + "_int8";
    List<Long> perChannelDims = List.of((long) channels);
    initializers.put(q, tensor(q, INT8, weights, weightTensor.getDimsList()));
    initializers.put(q + "_scale", floatTensor(q + "_scale", weightScale, perChannelDims));
    initializers.put(q + "_zero", tensor(q + "_zero", INT8, new byte[channels], perChannelDims));
    initializers.put(q + "_bias_int32", tensor(q + "_bias_int32", INT32, biases.array(), perChannelDims));
    initializers.put(q + "_bias_scale", floatTensor(q + "_bias_scale", biasScale, perChannelDims));
    initializers.put(q + "_bias_zero", tensor(q + "_bias_zero", INT32, new byte[channels * 4], perChannelDims));
    AttributeProto axis = OnnxNodes.integer("axis", 0);
    nodes.add(node("DequantizeLinear", List.of(q, q + "_scale", q + "_zero"), q + "_dequantized", axis));
    nodes.add(node("DequantizeLinear", List.of(q + "_bias_int32", q + "_bias_scale", q + "_bias_zero"), q + "_dequantized_bias", axis));
    return q + "_dequantized";
  }

  private static NodeProto node(String op, List<String> inputs, String output, AttributeProto... attributes) {
    return OnnxNodes.node(op, output + "_" + op.toLowerCase(Locale.ROOT), inputs, output, attributes);
  }

  private static float[] floats(Map<String, TensorProto> initializers, String name) {
    TensorProto tensor = initializers.get(name);
    if (tensor == null) {
      throw new ExportException("initializer '" + name + "' is missing");
    }
    return floats(tensor);
  }

  private static float[] floats(TensorProto tensor) {
    try {
      return OnnxTensors.floats(tensor);
    } catch (IllegalArgumentException e) {
      throw new ExportException(e.getMessage());
    }
  }

  private static TensorProto floatTensor(String name, float[] values, List<Long> dims) {
    return OnnxTensors.floats(name, values, dims.stream().mapToLong(Long::longValue).toArray());
  }

  private static TensorProto tensor(String name, int type, byte[] raw, List<Long> dims) {
    return OnnxTensors.raw(name, type, raw, dims.stream().mapToLong(Long::longValue).toArray());
  }
}
