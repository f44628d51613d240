package io.actionstream.model.runtime;

import static io.actionstream.model.runtime.OnnxNodes.integer;
import static io.actionstream.model.runtime.OnnxNodes.ints;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.clip.ClipPreprocessor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model's normalization as the first operators of its graph, so that serving feeds ONNX
 * Runtime the clip's pixels as they were prepared: a uint8 input {@value ModelContract#PIXELS}
 * {@code [N, T, H, W, 3]}, each frame the BGR crop of {@link ClipPreprocessor#prepare}, turned into
 * the model's {@value ModelContract#INPUT} by a Transpose to frames {@code [N, T, 3, H, W]}, a
 * Gather that puts the channels in RGB order, the two operations of {@link
 * ClipPreprocessor#normalize} with its constants ({@link ClipPreprocessor#scale}, {@link
 * ClipPreprocessor#shift}) and a Transpose to {@code [N, 3, T, H, W]}: the same floats, value for
 * value. The multiplication is a per-channel {@code DequantizeLinear} with zero points 0, which
 * computes {@code float(v) * scale} as a Cast and a Mul would, in one pass instead of two (0.8 to
 * 0.3 ms of a 2-clip run of the shipped student; 1.04-1.08x the clips/s of one thread, int8 and
 * fp32; a graph of an opset before 13, which has no per-channel form, keeps the Cast and the
 * Mul). Where the graph only turns its clip into frames (the per-frame form of {@link
 * FrameConvolutions}), those readers take the normalized frames instead, and neither float
 * transpose runs (0.34 ms of a 2-clip run of the shipped student).
 *
 * <p>Why: normalizing in Java took about 40% of the stream threads' CPU (600 k floats per clip
 * written into a 2.4 MB heap array, then copied into the native batch), while ONNX Runtime does
 * the same work in vectorized kernels on a quarter of the bytes; the byte order is transposed
 * before the conversion to float, because a float transpose costs ten times as much. The model
 * file is not changed: the runner adds this at load for serving, and training's checks feed
 * float clips.
 */
public final class PixelInput {

  private static final int UINT8 = TensorProto.DataType.UINT8.getNumber();
  private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
  private static final String PREFIX = "pixel_input_";
  /** The normalized clip as frames, {@code [N, T, 3, H, W]}. */
  private static final String FRAMES = PREFIX + "frames";
  private static final List<Long> FRAMES_PERM = List.of(0L, 2L, 1L, 3L, 4L);
  /** The first default-domain opset whose {@code DequantizeLinear} takes a scale per channel. */
  private static final long PER_AXIS_DEQUANTIZE_OPSET = 13;

  private PixelInput() {}

  /**
   * The model with the pixel input in place of its clip input.
   *
   * @throws IllegalArgumentException when the file does not parse or has no graph input {@value ModelContract#INPUT}
   */
  public static byte[] prepend(byte[] onnx, ModelSpec spec) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(onnx);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
    }
    GraphProto graph = model.getGraph();
    int clip = -1;
    for (int i = 0; i < graph.getInputCount(); i++) {
      if (graph.getInput(i).getName().equals(ModelContract.INPUT)) {
        clip = i;
      }
    }
    if (clip < 0) {
      throw new IllegalArgumentException("the graph has no input '" + ModelContract.INPUT + "'");
    }
    // readers that only turn the clip into frames ([N, T, C, H, W], the per-frame form of
    // FrameConvolutions) read the front end's frames instead: one float transpose fewer
    Map<String, String> renamed = new HashMap<>();
    boolean clipRead = false;
    Set<String> outputs = new HashSet<>();
    graph.getOutputList().forEach(o -> outputs.add(o.getName()));
    for (NodeProto node : graph.getNodeList()) {
      if (node.getInputList().contains(ModelContract.INPUT)) {
        if (intoFrames(node) && !outputs.contains(node.getOutput(0))) {
          renamed.put(node.getOutput(0), FRAMES);
        } else {
          clipRead = true;
        }
      }
    }
    GraphProto.Builder rewritten = graph.toBuilder().removeInput(clip).addInput(pixelsInfo(spec)).clearNode();
    frontEnd(rewritten, spec, clipRead || renamed.isEmpty(), OnnxNodes.opset(model) >= PER_AXIS_DEQUANTIZE_OPSET);
    for (NodeProto node : graph.getNodeList()) {
      if (renamed.containsKey(node.getOutput(0)) && intoFrames(node)) {
        continue;
      }
      NodeProto.Builder reading = node.toBuilder();
      for (int i = 0; i < node.getInputCount(); i++) {
        reading.setInput(i, renamed.getOrDefault(node.getInput(i), node.getInput(i)));
      }
      rewritten.addNode(reading);
    }
    return model.toBuilder().setGraph(rewritten).build().toByteArray();
  }

  /** Whether {@code node} only turns the clip {@code [N, 3, T, H, W]} into frames {@code [N, T, 3, H, W]}. */
  private static boolean intoFrames(NodeProto node) {
    return node.getOpType().equals("Transpose") && node.getInputCount() == 1 && node.getInput(0).equals(ModelContract.INPUT)
        && node.getAttributeList().stream().anyMatch(a -> a.getName().equals("perm") && a.getIntsList().equals(FRAMES_PERM));
  }

  /** The front end alone, pixels in and the clip out, as a model (for checking it against {@link ClipPreprocessor}). */
  public static byte[] frontEnd(ModelSpec spec) {
    GraphProto.Builder graph = GraphProto.newBuilder().setName("pixel-input").addInput(pixelsInfo(spec))
        .addOutput(info(ModelContract.INPUT, FLOAT, -1, 3, spec.frames(), spec.height(), spec.width()));
    frontEnd(graph, spec, true, true);
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("actionstream")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(graph).build().toByteArray();
  }

  /**
   * Pixels {@code [N, T, H, W, 3]} BGR to the normalized frames {@link #FRAMES} {@code [N, T, 3,
   * H, W]} RGB, and with {@code clip} also to the model's input {@code [N, 3, T, H, W]}; the bytes
   * are transposed before they become floats, because a float transpose costs ten times as much.
   */
  private static void frontEnd(GraphProto.Builder graph, ModelSpec spec, boolean clip, boolean dequantize) {
    float[] scale = new float[3];
    float[] shift = new float[3];
    for (int c = 0; c < 3; c++) {
      scale[c] = ClipPreprocessor.scale(spec, c);
      shift[c] = ClipPreprocessor.shift(spec, c);
    }
    graph.addInitializer(OnnxTensors.int64s(PREFIX + "rgb", 2, 1, 0))
        .addInitializer(OnnxTensors.floats(PREFIX + "shift", shift, 1, 1, 3, 1, 1));
    graph.addNode(node("Transpose", List.of(ModelContract.PIXELS), PREFIX + "planes", ints("perm", 0, 1, 4, 2, 3)));
    graph.addNode(node("Gather", List.of(PREFIX + "planes", PREFIX + "rgb"), PREFIX + "rgb_planes", integer("axis", 2)));
    if (dequantize) {
      graph.addInitializer(OnnxTensors.floats(PREFIX + "scale", scale, 3))
          .addInitializer(OnnxTensors.raw(PREFIX + "zero", UINT8, new byte[3], 3));
      graph.addNode(node("DequantizeLinear", List.of(PREFIX + "rgb_planes", PREFIX + "scale", PREFIX + "zero"), PREFIX + "scaled",
          integer("axis", 2)));
    } else {
      graph.addInitializer(OnnxTensors.floats(PREFIX + "scale", scale, 1, 1, 3, 1, 1));
      graph.addNode(node("Cast", List.of(PREFIX + "rgb_planes"), PREFIX + "values", integer("to", FLOAT)));
      graph.addNode(node("Mul", List.of(PREFIX + "values", PREFIX + "scale"), PREFIX + "scaled"));
    }
    graph.addNode(node("Sub", List.of(PREFIX + "scaled", PREFIX + "shift"), FRAMES));
    if (clip) {
      graph.addNode(node("Transpose", List.of(FRAMES), ModelContract.INPUT, ints("perm", 0, 2, 1, 3, 4)));
    }
  }

  private static ValueInfoProto pixelsInfo(ModelSpec spec) {
    return info(ModelContract.PIXELS, UINT8, -1, spec.frames(), spec.height(), spec.width(), 3);
  }

  /** A tensor's type and shape; -1 is the batch dimension {@code N}. */
  private static ValueInfoProto info(String name, int type, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N") : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
  }

  private static NodeProto node(String op, List<String> inputs, String output, AttributeProto... attributes) {
    return OnnxNodes.node(op, output, inputs, output, attributes);
  }
}
