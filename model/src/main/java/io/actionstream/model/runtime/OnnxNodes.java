package io.actionstream.model.runtime;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import java.util.Optional;

/**
 * Nodes and their attributes for the graphs the project rewrites (the per-frame convolutions, the
 * pixel input, the int8 quantizer): one home, so every rewrite spells them the same way.
 */
public final class OnnxNodes {

  private OnnxNodes() {}

  /** A model file parsed for a rewrite; empty where it does not parse (left for the runtime to refuse). */
  public static Optional<ModelProto> parse(byte[] onnx) {
    try {
      return Optional.of(ModelProto.parseFrom(onnx));
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
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
