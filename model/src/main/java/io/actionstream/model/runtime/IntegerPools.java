package io.actionstream.model.runtime;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
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
 *
 * <p>Int8 students quantized since {@link FrameConvolutions} pools on the frames have no 3D pools
 * left: their spatial pools are 2D, which ONNX Runtime runs on the integer convolution's own NHWC
 * output (0.07 ms, where a reduction took 0.8), and are left alone; this rewrite serves the int8
 * files written before.
 */
public final class IntegerPools {

  private static final Set<String> LAYOUT_ONLY = Set.of("Transpose", "Reshape", "Identity", "Squeeze", "Unsqueeze");

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
    long opset = OnnxNodes.opset(model);
    List<NodeProto> nodes = new ArrayList<>();
    List<TensorProto> constants = new ArrayList<>();
    int rewritten = 0;
    Map<String, NodeProto> producers = new HashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      node.getOutputList().forEach(output -> producers.put(output, node));
    }
    for (NodeProto node : graph.getNodeList()) {
      long[] kernel = OnnxNodes.tilingPoolKernel(node);
      if (kernel == null || kernel.length != 3 || !dequantized(node.getInput(0), producers)) {
        nodes.add(node);
        continue;
      }
      String p = (node.getName().isEmpty() ? "pool" + rewritten : node.getName()) + "_as_reduce";
      int spatial = kernel.length;
      long[] kernelOfEveryAxis = new long[spatial + 2];
      kernelOfEveryAxis[0] = 1;
      kernelOfEveryAxis[1] = 1;
      System.arraycopy(kernel, 0, kernelOfEveryAxis, 2, spatial);
      constants.add(OnnxTensors.int64s(p + "_kernel", kernelOfEveryAxis));
      String x = node.getInput(0);
      nodes.add(OnnxNodes.node("Shape", p + "_shape", List.of(x), p + "_shape"));
      nodes.add(OnnxNodes.node("Div", p + "_windows", List.of(p + "_shape", p + "_kernel"), p + "_windows"));
      constants.add(OnnxTensors.int64s(p + "_0", 0));
      constants.add(OnnxTensors.int64s(p + "_2", 2));
      nodes.add(OnnxNodes.node("Slice", p + "_nc", List.of(p + "_windows", p + "_0", p + "_2"), p + "_nc"));
      List<String> dims = new ArrayList<>(List.of(p + "_nc"));
      long[] windowAxes = new long[spatial];
      for (int a = 0; a < spatial; a++) {
        String from = p + "_" + (a + 2);
        String to = p + "_" + (a + 3);
        // each axis's end is the next one's start
        constants.add(OnnxTensors.int64s(to, a + 3));
        String size = p + "_size_" + a;
        nodes.add(OnnxNodes.node("Slice", size, List.of(p + "_windows", from, to), size));
        dims.add(size);
        String window = p + "_window_" + a;
        constants.add(OnnxTensors.int64s(window, kernel[a]));
        dims.add(window);
        windowAxes[a] = 3 + 2L * a;
      }
      nodes.add(OnnxNodes.node("Concat", p + "_view_shape", dims, p + "_view_shape", OnnxNodes.integer("axis", 0)));
      nodes.add(OnnxNodes.node("Reshape", p + "_view", List.of(x, p + "_view_shape"), p + "_view"));
      nodes.add(OnnxNodes.reduceMax(p + "_max", p + "_view", node.getOutput(0), opset, constants, windowAxes));
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
}
