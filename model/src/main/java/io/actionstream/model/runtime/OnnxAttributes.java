package io.actionstream.model.runtime;

import ai.onnx.proto.OnnxMl.AttributeProto;

/**
 * Node attributes for the graphs the project writes or rewrites (the per-frame convolutions, the
 * pixel input, the int8 quantizer): one home, so every rewrite spells them the same way.
 */
public final class OnnxAttributes {

  private OnnxAttributes() {}

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
