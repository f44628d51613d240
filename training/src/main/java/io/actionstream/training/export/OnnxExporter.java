package io.actionstream.training.export;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
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
import io.actionstream.model.runtime.OnnxTensors;
import io.actionstream.training.network.AttentionNet;
import io.actionstream.training.network.NetworkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an {@link AttentionNet} as an ONNX model (opset 17), node by node, since DJL cannot
 * export a Block. Input {@code clip} {@code [N,C,T,H,W]} float32; outputs {@code logits}
 * {@code [N,K]} and {@code attention} {@code [N,T',H',W']} (the motion map, summing to 1); the
 * batch dimension is dynamic. The graph mirrors the network exactly: Conv, BatchNormalization,
 * Relu and MaxPool for the backbone, then per attention map a 1x1x1 Conv, Reshape, Softmax,
 * Unsqueeze, Mul and ReduceSum, then Concat and Gemm.
 */
public final class OnnxExporter {

  private static final int OPSET = 17;

  private OnnxExporter() {}

  public static byte[] export(AttentionNet net, ModelSpec metadata, String description) {
    if (net.pooling() != AttentionNet.Pooling.ATTENTION) {
      // serving's contract has an attention output; a pooled control has none worth serving
      throw new IllegalArgumentException("only attention networks are exported, not a " + net.pooling() + "-pooled one");
    }
    NetworkSpec spec = net.spec();
    Graph g = new Graph();
    String x = ModelContract.INPUT;
    for (int stage = 0; stage < 4; stage++) {
      Block conv = net.convolution(stage);
      Block bn = net.batchNorm(stage);
      long[] stride = stage == 0 ? AttentionNet.FIRST_STRIDE : new long[] {1, 1, 1};
      x = g.node("Conv", List.of(x, g.weight(conv, "weight")),
          ints("kernel_shape", 3, 3, 3), ints("strides", stride), ints("pads", 1, 1, 1, 1, 1, 1));
      x = g.node("BatchNormalization",
          List.of(x, g.weight(bn, "gamma"), g.weight(bn, "beta"), g.weight(bn, "runningMean"), g.weight(bn, "runningVar")),
          AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
              .setF(AttentionNet.BATCH_NORM_EPSILON).build());
      x = g.node("Relu", List.of(x));
      if (stage < 3) {
        long[] pool = AttentionNet.POOLS[stage];
        x = g.node("MaxPool", List.of(x), ints("kernel_shape", pool), ints("strides", pool));
      }
    }
    String features = x;
    String flatFeatures = g.node("Reshape", List.of(features, g.int64s("flat_features_shape", 0, spec.featureChannels(), -1)));
    String motion = attention(g, net.motionScore(), features, "motion");
    String appearance = attention(g, net.appearanceScore(), features, "appearance");
    String axes = g.int64s("pool_axes", 2);
    String pooledMotion = g.node("ReduceSum", List.of(g.node("Mul", List.of(flatFeatures, g.node("Unsqueeze", List.of(motion, g.int64s("unsqueeze_axes", 1))))), axes),
        ints("keepdims", 0));
    String pooledAppearance = g.node("ReduceSum", List.of(g.node("Mul", List.of(flatFeatures, g.node("Unsqueeze", List.of(appearance, g.int64s("unsqueeze_axes_2", 1))))), axes),
        ints("keepdims", 0));
    String pooled = g.node("Concat", List.of(pooledMotion, pooledAppearance), ints("axis", 1));
    Block classifier = net.classifier();
    g.node("Gemm", List.of(pooled, g.weight(classifier, "weight"), g.weight(classifier, "bias")), ModelContract.LOGITS, ints("transB", 1));
    g.node("Reshape", List.of(motion, g.int64s("attention_shape", 0, spec.mapFrames(), spec.mapHeight(), spec.mapWidth())), ModelContract.ATTENTION, new AttributeProto[0]);

    GraphProto graph = GraphProto.newBuilder()
        .setName(metadata.name())
        .addAllNode(g.nodes)
        .addAllInitializer(g.initializers)
        .addInput(tensorInfo(ModelContract.INPUT, "N", spec.channels(), spec.frames(), spec.height(), spec.width()))
        .addOutput(tensorInfo(ModelContract.LOGITS, "N", spec.classes()))
        .addOutput(tensorInfo(ModelContract.ATTENTION, "N", spec.mapFrames(), spec.mapHeight(), spec.mapWidth()))
        .build();
    ModelProto model = ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("actionstream")
        .setProducerVersion(metadata.version())
        .setModelVersion(System.currentTimeMillis())
        .setDocString(description)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph)
        .build();
    if (spec.frames() != metadata.frames() || spec.height() != metadata.height() || spec.width() != metadata.width()
        || spec.classes() != metadata.labels().size() || spec.mapSize() != metadata.mapSize() || spec.channels() != 3) {
      throw new ExportException("the network (" + spec + ") does not match the model spec (" + metadata + ")");
    }
    ModelProto.Builder withMetadata = model.toBuilder();
    ModelMetadata.write(metadata).forEach((key, value) -> withMetadata.addMetadataProps(entry(key, value)));
    return withMetadata.build().toByteArray();
  }

  /** Score, flatten and softmax one attention map: {@code [N, T'H'W']}. */
  private static String attention(Graph g, Block score, String features, String name) {
    String scores = g.node("Conv", List.of(features, g.weight(score, "weight"), g.weight(score, "bias")), ints("kernel_shape", 1, 1, 1));
    String flat = g.node("Reshape", List.of(scores, g.int64s(name + "_flat_shape", 0, -1)));
    return g.node("Softmax", List.of(flat), ints("axis", 1));
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name);
    if (name.equals("axis") || name.equals("keepdims") || name.equals("transB")) {
      return attribute.setType(AttributeProto.AttributeType.INT).setI(values[0]).build();
    }
    attribute.setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      attribute.addInts(v);
    }
    return attribute.build();
  }

  private static ValueInfoProto tensorInfo(String name, String batch, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
        .build();
  }

  /** Nodes and initializers under construction, with fresh names. */
  private static final class Graph {
    final List<NodeProto> nodes = new ArrayList<>();
    final List<TensorProto> initializers = new ArrayList<>();
    private int counter;

    String node(String op, List<String> inputs, AttributeProto... attributes) {
      return node(op, inputs, op.toLowerCase() + "_" + (counter++), attributes);
    }

    String node(String op, List<String> inputs, String output, AttributeProto... attributes) {
      NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output + "_node").addAllInput(inputs).addOutput(output);
      for (AttributeProto attribute : attributes) {
        node.addAttribute(attribute);
      }
      nodes.add(node.build());
      return output;
    }

    /** Adds a block parameter as a float initializer and returns its name. */
    String weight(Block block, String parameter) {
      NDArray array = block.getParameters().get(parameter).getArray();
      String name = parameter + "_" + (counter++);
      initializers.add(OnnxTensors.floats(name, array.toFloatArray(), array.getShape().getShape()));
      return name;
    }

    String int64s(String name, long... values) {
      initializers.add(OnnxTensors.int64s(name, values));
      return name;
    }
  }
}
