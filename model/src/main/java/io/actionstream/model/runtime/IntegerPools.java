package io.actionstream.model.runtime;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites an int8 student's 3D max pools for ONNX Runtime's CPU provider as a reshape that puts
 * each pooling window on axes of its own and one {@code ReduceMax} over them: {@code [N, C, T, H,
 * W]} viewed as {@code [N, C, T/kt, kt, H/kh, kh, W/kw, kw]}, the maximum over the window axes.
 * The same maxima, exactly, so the parity checks still hold bit for bit.
 *
 * <p>Why: between the integer convolutions ONNX Runtime 1.29 moves the pools into uint8, where
 * its 3D {@code MaxPool} is a plain loop: 2.6 of the int8 student's 12.0 ms per 2-clip call,
 * where the fp32 graph's pools take well under 0.3 ms each (README, speed targets round 9). The
 * reductions take 0.9 ms for both. An fp32 model is left alone: its pools already run in ONNX
 * Runtime's blocked layout.
 *
 * <p>Only the pools that ONNX Runtime would run in uint8 (fed by a {@code DequantizeLinear},
 * directly or through layout changes) and whose windows tile their input are rewritten: kernel
 * equal to stride, no padding, dilation or ceil mode, a 5D input. The windows are counted from the
 * input's shape when it runs, so any batch size works; every window must be whole, which the
 * student's geometry makes sure of (frames a multiple of 4, sides of 8: {@code NetworkSpec}). A
 * graph with a partial window fails its trial run at load and is refused, where {@code MaxPool}
 * would have dropped the partial window; cutting the input to whole windows first cost 0.5 ms a
 * call, a fifth of what the rewrite saves.
 */
public final class IntegerPools {

  private static final int INT64 = TensorProto.DataType.INT64.getNumber();
  private static final Set<String> LAYOUT_ONLY = Set.of("Transpose", "Reshape", "Identity", "Squeeze", "Unsqueeze");
  /** The first default-domain opset in which {@code ReduceMax} takes its axes as an input. */
  private static final long REDUCE_AXES_AS_INPUT = 18;

  /** The rewritten model and how many pools were rewritten (0: the input, unchanged). */
  public record Rewritten(byte[] onnx, int pools) {}

  private IntegerPools() {}

  /** Rewrites the pools of a quantized graph; an fp32 graph, or a file that does not parse, is returned as it is. */
  public static Rewritten rewrite(byte[] onnx) {
    ModelProto model = OnnxNodes.parse(onnx).orElse(null);
    if (model == null) {
      return new Rewritten(onnx, 0);
    }
    GraphProto graph = model.getGraph();
    if (graph.getNodeList().stream().noneMatch(n -> n.getOpType().equals("DequantizeLinear"))) {
      return new Rewritten(onnx, 0);
    }
    boolean axesAsInput = opset(model) >= REDUCE_AXES_AS_INPUT;
    List<NodeProto> nodes = new ArrayList<>();
    List<TensorProto> constants = new ArrayList<>();
    int rewritten = 0;
    Map<String, NodeProto> producers = new HashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      node.getOutputList().forEach(output -> producers.put(output, node));
    }
    for (NodeProto node : graph.getNodeList()) {
      long[] kernel = nonOverlappingKernel(node);
      if (kernel == null || !dequantized(node.getInput(0), producers)) {
        nodes.add(node);
        continue;
      }
      String p = (node.getName().isEmpty() ? "pool" + rewritten : node.getName()) + "_as_reduce";
      constants.add(int64(p + "_kernel", 1, 1, kernel[0], kernel[1], kernel[2]));
      constants.add(int64(p + "_0", 0));
      constants.add(int64(p + "_2", 2));
      constants.add(int64(p + "_3", 3));
      constants.add(int64(p + "_4", 4));
      constants.add(int64(p + "_5", 5));
      String x = node.getInput(0);
      nodes.add(OnnxNodes.node("Shape", p + "_shape", List.of(x), p + "_shape"));
      nodes.add(OnnxNodes.node("Div", p + "_windows", List.of(p + "_shape", p + "_kernel"), p + "_windows"));
      nodes.add(OnnxNodes.node("Slice", p + "_nc", List.of(p + "_windows", p + "_0", p + "_2"), p + "_nc"));
      List<String> dims = new ArrayList<>(List.of(p + "_nc"));
      String[] size = {p + "_t", p + "_h", p + "_w"};
      String[] from = {p + "_2", p + "_3", p + "_4"};
      String[] to = {p + "_3", p + "_4", p + "_5"};
      for (int a = 0; a < 3; a++) {
        nodes.add(OnnxNodes.node("Slice", size[a], List.of(p + "_windows", from[a], to[a]), size[a]));
        dims.add(size[a]);
        String window = p + "_window_" + a;
        constants.add(int64(window, kernel[a]));
        dims.add(window);
      }
      nodes.add(OnnxNodes.node("Concat", p + "_view_shape", dims, p + "_view_shape", OnnxNodes.integer("axis", 0)));
      nodes.add(OnnxNodes.node("Reshape", p + "_view", List.of(x, p + "_view_shape"), p + "_view"));
      if (axesAsInput) {
        constants.add(int64(p + "_window_axes", 3, 5, 7));
        nodes.add(OnnxNodes.node("ReduceMax", p + "_max", List.of(p + "_view", p + "_window_axes"), node.getOutput(0),
            OnnxNodes.integer("keepdims", 0)));
      } else {
        nodes.add(OnnxNodes.node("ReduceMax", p + "_max", List.of(p + "_view"), node.getOutput(0), OnnxNodes.ints("axes", 3, 5, 7),
            OnnxNodes.integer("keepdims", 0)));
      }
      rewritten++;
    }
    if (rewritten == 0) {
      return new Rewritten(onnx, 0);
    }
    GraphProto out = graph.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(constants).build();
    return new Rewritten(model.toBuilder().setGraph(out).build().toByteArray(), rewritten);
  }

  /**
   * Whether {@code tensor} is a dequantized one, directly or through layout changes only: such a
   * pool is the one ONNX Runtime runs on the uint8 tensor instead (the fp32 first stage's pool,
   * fed by its fp32 convolution, stays in the blocked fp32 kernels).
   */
  private static boolean dequantized(String tensor, Map<String, NodeProto> producers) {
    NodeProto producer = producers.get(tensor);
    while (producer != null && LAYOUT_ONLY.contains(producer.getOpType())) {
      producer = producers.get(producer.getInput(0));
    }
    return producer != null && producer.getOpType().equals("DequantizeLinear");
  }

  /** The kernel of a 3D max pool whose windows tile its input (kernel = stride, nothing else set); null otherwise. */
  private static long[] nonOverlappingKernel(NodeProto node) {
    if (!node.getOpType().equals("MaxPool") || node.getOutputCount() != 1) {
      return null;
    }
    List<Long> kernel = null;
    List<Long> strides = null;
    for (AttributeProto a : node.getAttributeList()) {
      switch (a.getName()) {
        case "kernel_shape" -> kernel = a.getIntsList();
        case "strides" -> strides = a.getIntsList();
        case "pads", "dilations" -> {
          if (a.getIntsList().stream().anyMatch(v -> v != (a.getName().equals("pads") ? 0 : 1))) {
            return null;
          }
        }
        case "ceil_mode", "storage_order" -> {
          if (a.getI() != 0) {
            return null;
          }
        }
        case "auto_pad" -> {
          if (!a.getS().toStringUtf8().equals("NOTSET") && !a.getS().toStringUtf8().equals("VALID")) {
            return null;
          }
        }
        default -> {
          return null;
        }
      }
    }
    if (kernel == null || kernel.size() != 3 || !kernel.equals(strides)) {
      return null;
    }
    return kernel.stream().mapToLong(Long::longValue).toArray();
  }

  private static long opset(ModelProto model) {
    for (OperatorSetIdProto set : model.getOpsetImportList()) {
      if (set.getDomain().isEmpty() || set.getDomain().equals("ai.onnx")) {
        return set.getVersion();
      }
    }
    return 0;
  }

  private static TensorProto int64(String name, long... values) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(INT64).addDims(values.length);
    for (long v : values) {
      t.addInt64Data(v);
    }
    return t.build();
  }
}
