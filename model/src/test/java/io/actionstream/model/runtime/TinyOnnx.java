package io.actionstream.model.runtime;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelMetadata;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.TestSpecs;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tiny ONNX models for the loader's tests: logits are the channel means of the clip (3 classes),
 * attention is a softmax over the clip's grey frames ({@code T x H x W}). Each knob breaks one
 * thing a real student must get right.
 */
public final class TinyOnnx {

  public int frames = 4;
  public double fps = 8;
  int size = 8;
  int metadataFrames = 4;
  String inputName = "clip";
  String logitsName = "logits";
  boolean metadata = true;
  java.util.List<String> labels = java.util.List.of("a", "b", "c");
  /** Replaces metadata entries after they are written; a null value removes the key. */
  public final Map<String, String> metadataOverrides = new LinkedHashMap<>();

  public byte[] build() {
    long[] input = {-1, 3, frames, size, size};
    GraphProto.Builder graph = GraphProto.newBuilder().setName("tiny")
        .addInput(info(inputName, input))
        .addOutput(info(logitsName, -1, 3))
        .addOutput(info("attention", -1, frames, size, size))
        .addInitializer(ints("flat", 0, -1))
        .addInitializer(ints("map_shape", 0, frames, size, size))
        .addInitializer(ints("channel_axis", 1));
    graph.addNode(node("GlobalAveragePool", new String[] {inputName}, "pooled"));
    graph.addNode(node("Flatten", new String[] {"pooled"}, logitsName, AttributeProto.newBuilder().setName("axis")
        .setType(AttributeProto.AttributeType.INT).setI(1).build()));
    graph.addNode(node("ReduceMean", new String[] {inputName, "channel_axis"}, "grey", AttributeProto.newBuilder()
        .setName("keepdims").setType(AttributeProto.AttributeType.INT).setI(0).build()));
    graph.addNode(node("Reshape", new String[] {"grey", "flat"}, "grey_flat"));
    graph.addNode(node("Softmax", new String[] {"grey_flat"}, "weights", AttributeProto.newBuilder().setName("axis")
        .setType(AttributeProto.AttributeType.INT).setI(1).build()));
    graph.addNode(node("Reshape", new String[] {"weights", "map_shape"}, "attention"));
    ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(18)).setGraph(graph);
    if (metadata) {
      Map<String, String> props = new LinkedHashMap<>(ModelMetadata.write(new ModelSpec("tiny", "t1", labels,
          TestSpecs.input(metadataFrames, size, size, ModelContract.STRETCH, 0, 0.5f, 0.25f, fps),
          ModelSpec.attention(frames, size, size), 0)));
      metadataOverrides.forEach((key, value) -> {
        if (value == null) {
          props.remove(key);
        } else {
          props.put(key, value);
        }
      });
      props.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    }
    return model.build().toByteArray();
  }

  private static NodeProto node(String op, String[] inputs, String output, AttributeProto... attributes) {
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output + "_node").addOutput(output);
    for (String in : inputs) {
      node.addInput(in);
    }
    for (AttributeProto a : attributes) {
      node.addAttribute(a);
    }
    return node.build();
  }

  private static TensorProto ints(String name, long... values) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64.getNumber()).addDims(values.length);
    for (long v : values) {
      t.addInt64Data(v);
    }
    return t.build();
  }

  private static ValueInfoProto info(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N") : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
  }
}
