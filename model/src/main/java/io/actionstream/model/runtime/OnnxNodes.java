package io.actionstream.model.runtime;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import java.util.Optional;

/**
 * Nodes and their attributes for the graphs the project rewrites (the per-frame convolutions, the
 * pixel input, the int8 quantizer): one home, so every rewrite spells them the same way.
 */
public final class OnnxNodes {

  /** The first default-domain opset in which {@code ReduceMax} takes its axes as an input. */
  private static final long REDUCE_AXES_AS_INPUT = 18;

  private OnnxNodes() {}

  /** A model file parsed for a rewrite; empty where it does not parse (left for the runtime to refuse). */
  public static Optional<ModelProto> parse(byte[] onnx) {
    try {
      return Optional.of(ModelProto.parseFrom(onnx));
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }

  /** The model's default-domain opset version (0 where it names none). */
  public static long opset(ModelProto model) {
    for (OperatorSetIdProto set : model.getOpsetImportList()) {
      if (set.getDomain().isEmpty() || set.getDomain().equals("ai.onnx")) {
        return set.getVersion();
      }
    }
    return 0;
  }

  /**
   * The kernel of a max pool whose windows tile its input: kernel equal to stride, no padding,
   * dilation, ceil mode or storage order; null for any other node.
   */
  public static long[] tilingPoolKernel(NodeProto node) {
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
    if (kernel == null || !kernel.equals(strides)) {
      return null;
    }
    return kernel.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * A {@code ReduceMax} over {@code axes}, which it drops: the axes an attribute before opset 18
   * and an input from it, then added to {@code constants} as {@code name + "_axes"}.
   */
  public static NodeProto reduceMax(String name, String input, String output, long opset, List<TensorProto> constants, long... axes) {
    if (opset >= REDUCE_AXES_AS_INPUT) {
      constants.add(OnnxTensors.int64s(name + "_axes", axes));
      return node("ReduceMax", name, List.of(input, name + "_axes"), output, integer("keepdims", 0));
    }
    return node("ReduceMax", name, List.of(input), output, ints("axes", axes), integer("keepdims", 0));
  }

  /** A node named {@code name} running {@code op} on {@code inputs} into one {@code output}. */
  public static NodeProto node(String op, String name, List<String> inputs, String output, AttributeProto... attributes) {
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output);
    for (AttributeProto a : attributes) {
      node.addAttribute(a);
    }
    return node.build();
  }

  /** An integer attribute, e.g. {@code axis}. */
  public static AttributeProto integer(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  /** A list of integers, e.g. {@code perm} or {@code pads}. */
  public static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }
}
