package io.actionstream.model.runtime;

import static io.actionstream.model.runtime.OnnxNodes.integer;
import static io.actionstream.model.runtime.OnnxNodes.ints;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a student's 3x3x3 convolutions for ONNX Runtime's CPU provider as 2D convolutions over
 * its frames: each frame's input channels are stacked with those of the frames before and after
 * it (zeros at the ends, as the 3D padding), and one 3x3 convolution with three times the input
 * channels gives exactly the 3D convolution's output, the weights of the three temporal taps side
 * by side. The same sums, added in another order (differences about 1e-6).
 *
 * <p>Why: ONNX Runtime 1.29 runs 3D convolutions by unfolding each input 27-fold into memory
 * (im2col) before one matrix product, while 2D convolutions get its blocked direct kernels. The
 * stacking is a Pad and one Gather of the padded frames (a Pad, three Slices and a Concat cost
 * twice as much on the first stage). Measured on the shipped student with one thread, all four
 * convolutions rewritten: 1.3-1.4x the clips/s at 1 and 2 clips a run (the runner keeps CPU runs
 * that small, see {@link StudentModel}). A batch norm right after the convolution is folded into
 * it, and a ReLU after that runs on the 2D output, where ONNX Runtime fuses it into the
 * convolution.
 *
 * <p>Between two rewritten convolutions the frames stay frames: a max pool whose windows tile its
 * input runs as a 2D pool of each frame and, for a temporal window, a maximum over each run of
 * frames (where the graph's input fixes the number of frames and the runs are whole), so the
 * layout is not turned to {@code [N,C,T,H,W]} and back around it (a float transpose each way), and
 * the output's sides are computed from the input's rather than read from the output, which ONNX
 * Runtime would otherwise turn out of its blocked layout for the read alone. Measured on the
 * shipped student fed pixels, one thread, 2 clips a run: 17.0 instead of 18.9 ms of operator time
 * per run (README, speed targets round 10).
 *
 * <p>Only what gains is rewritten: convolutions with fp32 weights (an int8 model's quantized ones
 * are left to its integer kernels), a temporal stride of 1, padding 1 everywhere, and no dilation
 * or groups.
 */
public final class FrameConvolutions {

  private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();

  /**
   * The rewritten model, how many convolutions were rewritten (0: the input, unchanged) and how
   * many max pools between them now run on the frames.
   */
  public record Rewritten(byte[] onnx, int convolutions, int pools) {}

  private FrameConvolutions() {}

  /** Rewrites what qualifies; a file that does not parse is returned as it is, for the runtime to refuse. */
  public static Rewritten rewrite(byte[] onnx) {
    ModelProto model = OnnxNodes.parse(onnx).orElse(null);
    if (model == null) {
      return new Rewritten(onnx, 0, 0);
    }
    Rewriter rewriter = new Rewriter(model.getGraph(), OnnxNodes.opset(model));
    GraphProto graph = rewriter.run();
    if (rewriter.rewritten == 0) {
      return new Rewritten(onnx, 0, 0);
    }
    return new Rewritten(model.toBuilder().setGraph(graph).build().toByteArray(), rewriter.rewritten, rewriter.pools);
  }

  /**
   * A tensor of the graph in the frames layout {@code [N, T, C, H, W]}; the same as {@code [N*T,
   * C, H, W]} where a convolution wrote it so (else null), which a pool reads so that ONNX Runtime
   * can keep it in the convolution's blocked layout; the tensor of its shape (read instead of the
   * tensor, which is then not needed in the plain layout); and its number of frames where the
   * graph's input fixes it (-1 where it does not).
   */
  private record Frames(String tensor, String flat, String shape, long count) {}

  private static final class Rewriter {
    private final GraphProto graph;
    private final long opset;
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final List<NodeProto> nodes = new ArrayList<>();
    /** Tensors of the original graph ({@code [N, C, T, H, W]}) that the rewrite also has in the frames layout. */
    private final Map<String, Frames> framesOf = new HashMap<>();
    private int rewritten;
    private int pools;
    private int counter;

    Rewriter(GraphProto graph, long opset) {
      this.graph = graph;
      this.opset = opset;
      graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
      for (NodeProto node : graph.getNodeList()) {
        for (String input : node.getInputList()) {
          consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
        }
      }
    }

    GraphProto run() {
      List<NodeProto> source = graph.getNodeList();
      Set<NodeProto> absorbed = new HashSet<>();
      for (NodeProto node : source) {
        if (absorbed.contains(node)) {
          continue;
        }
        float[] weight = qualifyingWeight(node);
        if (weight == null) {
          long[] kernel = OnnxNodes.tilingPoolKernel(node);
          Frames frames = kernel != null && kernel.length == 3 ? framesOf.get(node.getInput(0)) : null;
          if (frames != null && (kernel[0] == 1 || frames.count() > 0 && frames.count() % kernel[0] == 0)) {
            poolFrames(frames, kernel, node.getOutput(0));
            pools++;
          } else {
            nodes.add(node);
          }
          continue;
        }
        TensorProto weightTensor = initializers.get(node.getInput(1));
        int out = (int) weightTensor.getDims(0);
        int in = (int) weightTensor.getDims(1);
        float[] bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? OnnxTensors.floats(initializers.get(node.getInput(2))) : new float[out];
        String output = node.getOutput(0);
        NodeProto norm = onlyConsumer(output, "BatchNormalization");
        if (norm != null && foldable(norm)) {
          fold(norm, weight, bias, out);
          absorbed.add(norm);
          output = norm.getOutput(0);
        }
        NodeProto relu = onlyConsumer(output, "Relu");
        if (relu != null) {
          absorbed.add(relu);
          output = relu.getOutput(0);
        }
        long[] strides = attribute(node, "strides", new long[] {1, 1, 1});
        replace(node.getInput(0), weight, bias, out, in, strides[1], strides[2], relu != null, output);
        rewritten++;
      }
      List<NodeProto> live = withoutUnusedNodes();
      List<TensorProto> kept = new ArrayList<>();
      Set<String> used = new HashSet<>();
      live.forEach(n -> used.addAll(n.getInputList()));
      graph.getOutputList().forEach(o -> used.add(o.getName()));
      for (TensorProto tensor : initializers.values()) {
        if (used.contains(tensor.getName())) {
          kept.add(tensor);
        }
      }
      return graph.toBuilder().clearNode().addAllNode(live).clearInitializer().addAllInitializer(kept).build();
    }

    /**
     * The nodes whose outputs something reads: each rewritten convolution and pool also writes its
     * output back in the original layout, which is dropped where only the frames form is read.
     */
    private List<NodeProto> withoutUnusedNodes() {
      Set<String> needed = new HashSet<>();
      graph.getOutputList().forEach(o -> needed.add(o.getName()));
      List<NodeProto> live = new ArrayList<>();
      for (int i = nodes.size() - 1; i >= 0; i--) {
        NodeProto node = nodes.get(i);
        if (node.getOutputList().stream().anyMatch(needed::contains)) {
          live.add(0, node);
          needed.addAll(node.getInputList());
        }
      }
      return live;
    }

    /** The fp32 weights of a convolution this rewrite applies to, or null. */
    private float[] qualifyingWeight(NodeProto node) {
      if (!node.getOpType().equals("Conv") || node.getInputCount() < 2) {
        return null;
      }
      TensorProto weight = initializers.get(node.getInput(1));
      if (weight == null || weight.getDataType() != FLOAT || weight.getDimsCount() != 5 || weight.getDims(2) != 3
          || weight.getDims(3) != 3 || weight.getDims(4) != 3) {
        return null;
      }
      if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
        TensorProto bias = initializers.get(node.getInput(2));
        if (bias == null || bias.getDataType() != FLOAT) {
          return null;
        }
      }
      for (AttributeProto a : node.getAttributeList()) {
        boolean fine = switch (a.getName()) {
          case "kernel_shape" -> a.getIntsList().equals(List.of(3L, 3L, 3L));
          case "strides" -> a.getIntsCount() == 3 && a.getInts(0) == 1;
          case "pads" -> a.getIntsList().equals(List.of(1L, 1L, 1L, 1L, 1L, 1L));
          case "dilations" -> a.getIntsList().equals(List.of(1L, 1L, 1L));
          case "group" -> a.getI() == 1;
          case "auto_pad" -> a.getS().toStringUtf8().equals("NOTSET");
          default -> false;
        };
        if (!fine) {
          return null;
        }
      }
      boolean padded = node.getAttributeList().stream().anyMatch(a -> a.getName().equals("pads"));
      return padded ? OnnxTensors.floats(weight) : null;
    }

    private NodeProto onlyConsumer(String tensor, String op) {
      List<NodeProto> users = consumers.getOrDefault(tensor, List.of());
      boolean isOutput = graph.getOutputList().stream().anyMatch(o -> o.getName().equals(tensor));
      return users.size() == 1 && !isOutput && users.get(0).getOpType().equals(op) ? users.get(0) : null;
    }

    private boolean foldable(NodeProto norm) {
      if (norm.getInputCount() != 5) {
        return false;
      }
      for (int i = 1; i < 5; i++) {
        TensorProto t = initializers.get(norm.getInput(i));
        if (t == null || t.getDataType() != FLOAT) {
          return false;
        }
      }
      return norm.getAttributeList().stream().allMatch(a -> a.getName().equals("epsilon") || a.getName().equals("momentum"));
    }

    private void fold(NodeProto norm, float[] weight, float[] bias, int out) {
      float[] gamma = OnnxTensors.floats(initializers.get(norm.getInput(1)));
      float[] beta = OnnxTensors.floats(initializers.get(norm.getInput(2)));
      float[] mean = OnnxTensors.floats(initializers.get(norm.getInput(3)));
      float[] variance = OnnxTensors.floats(initializers.get(norm.getInput(4)));
      float epsilon = norm.getAttributeList().stream().filter(a -> a.getName().equals("epsilon")).findFirst()
          .map(AttributeProto::getF).orElse(1e-5f);
      int per = weight.length / out;
      for (int o = 0; o < out; o++) {
        float scale = (float) (gamma[o] / Math.sqrt(variance[o] + epsilon));
        for (int j = 0; j < per; j++) {
          weight[o * per + j] *= scale;
        }
        bias[o] = (bias[o] - mean[o]) * scale + beta[o];
      }
    }

    /**
     * Writes the per-frame form: {@code [N,C,T,H,W]} to frames {@code [N,T,C,H,W]} (unless the
     * input is already there), each frame's channels stacked with its neighbours' ({@code
     * [N*T,3C,H,W]}), one 2D convolution (and ReLU), the frames {@code [N,T,C',H',W']} kept for a
     * next convolution or pool, and back to {@code [N,C',T,H',W']} under the name the rest of the
     * graph reads.
     */
    private void replace(String input, float[] weight, float[] bias, int out, int in, long strideH, long strideW, boolean relu,
        String output) {
      String p = "frameconv" + (counter++) + "_";
      Frames given = framesOf.get(input);
      String frames = given != null ? given.tensor() : add("Transpose", List.of(input), p + "frames", ints("perm", 0, 2, 1, 3, 4));
      long count = given != null ? given.count() : inputFrames(input);
      String shape = given != null ? given.shape() : add("Shape", List.of(frames), p + "shape");
      String padded = add("Pad", List.of(frames, int64s(p + "pads", 0, 1, 0, 0, 0, 0, 1, 0, 0, 0)), p + "padded");
      // frame t reads padded frames t, t+1, t+2: one Gather of a [T, 3] index table
      String time = add("Gather", List.of(shape, scalar(p + "t_index", 1)), p + "t");
      String range = add("Range", List.of(scalar(p + "zero", 0), time, scalar(p + "one", 1)), p + "range");
      String column = add("Unsqueeze", List.of(range, int64s(p + "column_axis", 1)), p + "column");
      String table = add("Add", List.of(column, int64s(p + "taps", 0, 1, 2)), p + "table");
      String stacked = add("Gather", List.of(padded, table), p + "stacked", integer("axis", 1));
      String heightWidth = add("Slice", List.of(shape, int64s(p + "hw_start", 3), int64s(p + "hw_end", 5)), p + "hw");
      String flatShape = add("Concat", List.of(int64s(p + "flat_lead", -1, 3L * in), heightWidth), p + "flat_shape", integer("axis", 0));
      String flat = add("Reshape", List.of(stacked, flatShape), p + "flat");
      float[] stackedWeight = new float[out * 3 * in * 9];
      for (int o = 0; o < out; o++) {
        for (int c = 0; c < in; c++) {
          for (int k = 0; k < 3; k++) {
            System.arraycopy(weight, ((o * in + c) * 3 + k) * 9, stackedWeight, ((o * 3 + k) * in + c) * 9, 9);
          }
        }
      }
      initializers.put(p + "weight", OnnxTensors.floats(p + "weight", stackedWeight, out, 3L * in, 3, 3));
      initializers.put(p + "bias", OnnxTensors.floats(p + "bias", bias, out));
      String convolved = add("Conv", List.of(flat, p + "weight", p + "bias"), p + "conv", ints("kernel_shape", 3, 3),
          ints("strides", strideH, strideW), ints("pads", 1, 1, 1, 1));
      if (relu) {
        convolved = add("Relu", List.of(convolved), p + "relu");
      }
      // the output's sides from the input's, (side - 1) / stride + 1: reading the output's shape
      // would make ONNX Runtime turn it out of its blocked layout for the Shape alone
      String lessOne = add("Sub", List.of(heightWidth, int64s(p + "one_each", 1, 1)), p + "hw_less_one");
      String strided = add("Div", List.of(lessOne, int64s(p + "strides", strideH, strideW)), p + "hw_strided");
      String outHeightWidth = add("Add", List.of(strided, p + "one_each"), p + "ohw");
      String batchAndTime = add("Slice", List.of(shape, int64s(p + "nt_start", 0), int64s(p + "nt_end", 2)), p + "nt");
      String framesShape = add("Concat", List.of(batchAndTime, int64s(p + "channels", out), outHeightWidth), p + "frames_shape", integer("axis", 0));
      String byFrame = add("Reshape", List.of(convolved, framesShape), p + "by_frame");
      framesOf.put(output, new Frames(byFrame, convolved, framesShape, count));
      add("Transpose", List.of(byFrame), output, ints("perm", 0, 2, 1, 3, 4));
    }

    /**
     * A max pool whose windows tile its input, on the frames: the spatial window as a 2D pool of
     * each frame ({@code [N*T,C,H,W]}), the temporal one as the maximum over each run of {@code kt}
     * frames ({@code [N,T/kt,kt,C,H,W]}, reduced over its third axis); the same maxima as the 3D
     * pool, without turning the frames into {@code [N,C,T,H,W]} and back around it. Written back
     * to the original layout under the pool's output name, for anything else that reads it.
     */
    private void poolFrames(Frames frames, long[] kernel, String output) {
      String p = "framepool" + (counter++) + "_";
      String current = frames.tensor();
      String shape = frames.shape();
      if (kernel[1] != 1 || kernel[2] != 1) {
        String flat = frames.flat();
        if (flat == null) {
          String channelsHeightWidth = add("Slice", List.of(shape, int64s(p + "chw_start", 2), int64s(p + "chw_end", 5)), p + "chw");
          String flatShape = add("Concat", List.of(int64s(p + "flat_lead", -1), channelsHeightWidth), p + "flat_shape", integer("axis", 0));
          flat = add("Reshape", List.of(current, flatShape), p + "flat");
        }
        String pooled = add("MaxPool", List.of(flat), p + "spatial", ints("kernel_shape", kernel[1], kernel[2]),
            ints("strides", kernel[1], kernel[2]));
        // [N, T, C, H / kh, W / kw] from the input's shape (a floor, as the pool's)
        String framesShape = add("Div", List.of(shape, int64s(p + "kernel", 1, 1, 1, kernel[1], kernel[2])), p + "frames_shape");
        current = add("Reshape", List.of(pooled, framesShape), p + "spatial_frames");
        shape = framesShape;
      }
      long count = frames.count();
      if (kernel[0] != 1) {
        String batch = add("Slice", List.of(shape, int64s(p + "n_start", 0), int64s(p + "n_end", 1)), p + "n");
        String channelsHeightWidth = add("Slice", List.of(shape, int64s(p + "rchw_start", 2), int64s(p + "rchw_end", 5)), p + "rchw");
        String runsShape = add("Concat", List.of(batch, int64s(p + "runs", -1, kernel[0]), channelsHeightWidth), p + "runs_view_shape",
            integer("axis", 0));
        String runs = add("Reshape", List.of(current, runsShape), p + "runs_view");
        List<TensorProto> axes = new ArrayList<>();
        nodes.add(OnnxNodes.reduceMax(p + "temporal_node", runs, p + "temporal", opset, axes, 2));
        axes.forEach(t -> initializers.put(t.getName(), t));
        current = p + "temporal";
        count /= kernel[0];
        shape = add("Shape", List.of(current), p + "temporal_shape");
      }
      framesOf.put(output, new Frames(current, null, shape, count));
      add("Transpose", List.of(current), output, ints("perm", 0, 2, 1, 3, 4));
    }

    /** The frames of a graph input {@code [N, C, T, H, W]} whose T is fixed; -1 for anything else. */
    private long inputFrames(String tensor) {
      for (var input : graph.getInputList()) {
        if (input.getName().equals(tensor) && input.getType().getTensorType().getShape().getDimCount() == 5) {
          var dim = input.getType().getTensorType().getShape().getDim(2);
          return dim.hasDimValue() ? dim.getDimValue() : -1;
        }
      }
      return -1;
    }

    private String add(String op, List<String> inputs, String output, AttributeProto... attributes) {
      nodes.add(OnnxNodes.node(op, output + "_node", inputs, output, attributes));
      return output;
    }

    private String scalar(String name, long value) {
      initializers.put(name, OnnxTensors.int64(name, value));
      return name;
    }

    private String int64s(String name, long... values) {
      initializers.put(name, OnnxTensors.int64s(name, values));
      return name;
    }
  }

  private static long[] attribute(NodeProto node, String name, long[] fallback) {
    for (AttributeProto a : node.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
      }
    }
    return fallback;
  }
}
