package io.actionstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-frame rewrite against ONNX Runtime's own 3D convolution on the same graph and input:
 * a strided 3x3x3 convolution with a bias, a batch norm and a ReLU after it (the norm folded),
 * then a plain one; a temporally strided one, which is left as it is; and the student's pattern of
 * convolutions with max pools between them, the pools run on the frames without the layout
 * changes around them.
 */
class FrameConvolutionsTest {

  private static final long[] INPUT = {2, 8, 6, 10, 12};

  @Test
  void theRewrittenGraphGivesTheSameOutputAndKeepsWhatDoesNotQualify() throws Exception {
    byte[] original = graph(1);
    FrameConvolutions.Rewritten rewritten = FrameConvolutions.rewrite(original);

    assertThat(rewritten.convolutions()).isEqualTo(2);
    List<NodeProto> nodes = ModelProto.parseFrom(rewritten.onnx()).getGraph().getNodeList();
    assertThat(nodes).noneMatch(n -> n.getOpType().equals("BatchNormalization"));
    assertThat(nodes).filteredOn(n -> n.getOpType().equals("Conv"))
        .allSatisfy(conv -> assertThat(conv.getAttributeList()).anySatisfy(a -> assertThat(a.getIntsList()).containsExactly(3L, 3L)));
    assertSameOutput(original, rewritten.onnx(), INPUT);
  }

  @Test
  void aTemporallyStridedConvolutionIsLeftAsItIs() throws Exception {
    byte[] original = graph(2);
    FrameConvolutions.Rewritten rewritten = FrameConvolutions.rewrite(original);
    // only the second, unstrided convolution
    assertThat(rewritten.convolutions()).isEqualTo(1);
    assertThat(ModelProto.parseFrom(rewritten.onnx()).getGraph().getNodeList())
        .anySatisfy(n -> assertThat(n.getOpType() + " -> " + n.getOutput(0)).isEqualTo("Conv -> c1"));
  }

  @Test
  void poolsBetweenConvolutionsRunOnTheFramesWithTheSameMaxima() throws Exception {
    byte[] original = pooled(INPUT, false);
    FrameConvolutions.Rewritten rewritten = FrameConvolutions.rewrite(original);

    assertThat(rewritten.convolutions()).isEqualTo(3);
    assertThat(rewritten.pools()).isEqualTo(2);
    List<NodeProto> nodes = ModelProto.parseFrom(rewritten.onnx()).getGraph().getNodeList();
    // the clip into frames once, and the last convolution's frames back: nothing in between
    assertThat(nodes).filteredOn(n -> n.getOpType().equals("Transpose")).hasSize(2);
    assertThat(nodes).filteredOn(n -> n.getOpType().equals("MaxPool"))
        .allSatisfy(pool -> assertThat(pool.getAttributeList()).anySatisfy(a -> assertThat(a.getIntsList()).containsExactly(2L, 2L)));
    assertSameOutput(original, rewritten.onnx(), INPUT);
  }

  @Test
  void aPoolReadElsewhereOrWithAPartialRunOfFramesKeepsWhatItNeeds() throws Exception {
    // the first pool's output is also a graph output: written back in its layout as well
    byte[] read = pooled(INPUT, true);
    FrameConvolutions.Rewritten rewritten = FrameConvolutions.rewrite(read);
    assertThat(rewritten.pools()).isEqualTo(2);
    assertSameOutput(read, rewritten.onnx(), INPUT);

    // 5 frames: the temporal pool would drop a partial run of frames, so it stays a 3D pool
    long[] five = {2, 8, 5, 10, 12};
    byte[] odd = pooled(five, false);
    rewritten = FrameConvolutions.rewrite(odd);
    assertThat(rewritten.convolutions()).isEqualTo(3);
    assertThat(rewritten.pools()).isEqualTo(1);
    assertThat(ModelProto.parseFrom(rewritten.onnx()).getGraph().getNodeList())
        .anySatisfy(n -> assertThat(n.getOpType() + " -> " + n.getOutput(0)).isEqualTo("MaxPool -> p2"));
    assertSameOutput(odd, rewritten.onnx(), five);
  }

  private static void assertSameOutput(byte[] original, byte[] rewritten, long[] shape) throws Exception {
    float[] input = new float[(int) (shape[0] * shape[1] * shape[2] * shape[3] * shape[4])];
    Random random = new Random(5);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    float[] expected = run(original, input, shape);
    float[] actual = run(rewritten, input, shape);
    assertThat(actual).hasSameSizeAs(expected);
    double largest = 0;
    double difference = 0;
    for (int i = 0; i < expected.length; i++) {
      largest = Math.max(largest, Math.abs(expected[i]));
      difference = Math.max(difference, Math.abs(expected[i] - actual[i]));
    }
    assertThat(largest).isGreaterThan(0.1);
    assertThat(difference).isLessThan(1e-4);
  }

  /**
   * The student's backbone in small: x -> Conv3D(8->6, strides (1,2,2)) -> Relu -> MaxPool(1,2,2)
   * -> Conv3D(6->5) -> Relu -> MaxPool(2,2,2) -> Conv3D(5->4) -> Relu -> y; with {@code alsoRead}
   * the first pool's output is a second graph output.
   */
  private static byte[] pooled(long[] shape, boolean alsoRead) {
    Random random = new Random(13);
    GraphProto.Builder graph = GraphProto.newBuilder().setName("pooled")
        .addInput(info("x", shape))
        .addOutput(ValueInfoProto.newBuilder().setName("y").setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()))))
        .addInitializer(floats("w1", random, -0.3f, 0.3f, 6, 8, 3, 3, 3))
        .addInitializer(floats("b1", random, -0.2f, 0.2f, 6))
        .addInitializer(floats("w2", random, -0.3f, 0.3f, 5, 6, 3, 3, 3))
        .addInitializer(floats("w3", random, -0.3f, 0.3f, 4, 5, 3, 3, 3));
    if (alsoRead) {
      graph.addOutput(ValueInfoProto.newBuilder().setName("p1").setType(TypeProto.newBuilder().setTensorType(
          TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()))));
    }
    graph.addNode(node("Conv", List.of("x", "w1", "b1"), "c1", ints("kernel_shape", 3, 3, 3), ints("strides", 1, 2, 2),
        ints("pads", 1, 1, 1, 1, 1, 1)));
    graph.addNode(node("Relu", List.of("c1"), "r1"));
    graph.addNode(node("MaxPool", List.of("r1"), "p1", ints("kernel_shape", 1, 2, 2), ints("strides", 1, 2, 2)));
    graph.addNode(node("Conv", List.of("p1", "w2"), "c2", ints("kernel_shape", 3, 3, 3), ints("pads", 1, 1, 1, 1, 1, 1)));
    graph.addNode(node("Relu", List.of("c2"), "r2"));
    graph.addNode(node("MaxPool", List.of("r2"), "p2", ints("kernel_shape", 2, 2, 2), ints("strides", 2, 2, 2)));
    graph.addNode(node("Conv", List.of("p2", "w3"), "c3", ints("kernel_shape", 3, 3, 3), ints("pads", 1, 1, 1, 1, 1, 1)));
    graph.addNode(node("Relu", List.of("c3"), "y"));
    return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(graph)
        .build().toByteArray();
  }

  /** x -> Conv3D(8->6, strides (temporalStride,2,2)) -> BatchNormalization -> Relu -> Conv3D(6->4) -> y. */
  private static byte[] graph(long temporalStride) {
    Random random = new Random(11);
    GraphProto.Builder graph = GraphProto.newBuilder().setName("convs")
        .addInput(info("x", INPUT))
        .addOutput(ValueInfoProto.newBuilder().setName("y").setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()))))
        .addInitializer(floats("w1", random, -0.3f, 0.3f, 6, 8, 3, 3, 3))
        .addInitializer(floats("b1", random, -0.5f, 0.5f, 6))
        .addInitializer(floats("gamma", random, 0.5f, 1.5f, 6))
        .addInitializer(floats("beta", random, -0.3f, 0.3f, 6))
        .addInitializer(floats("mean", random, -0.2f, 0.2f, 6))
        .addInitializer(floats("var", random, 0.1f, 0.9f, 6))
        .addInitializer(floats("w2", random, -0.3f, 0.3f, 4, 6, 3, 3, 3));
    graph.addNode(node("Conv", List.of("x", "w1", "b1"), "c1", ints("kernel_shape", 3, 3, 3), ints("strides", temporalStride, 2, 2),
        ints("pads", 1, 1, 1, 1, 1, 1)));
    graph.addNode(node("BatchNormalization", List.of("c1", "gamma", "beta", "mean", "var"), "n1",
        AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT).setF(1e-5f).build()));
    graph.addNode(node("Relu", List.of("n1"), "r1"));
    graph.addNode(node("Conv", List.of("r1", "w2"), "y", ints("kernel_shape", 3, 3, 3), ints("pads", 1, 1, 1, 1, 1, 1)));
    return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(graph)
        .build().toByteArray();
  }

  /** The graph's outputs for {@code input} of {@code shape}, one after the other. */
  private static float[] run(byte[] model, float[] input, long[] shape) throws Exception {
    return LargeStack.call(() -> {
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      try (OrtSession session = environment.createSession(model, new OrtSession.SessionOptions());
          OnnxTensor x = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), shape);
          OrtSession.Result out = session.run(Map.of("x", x))) {
        FloatBuffer all = FloatBuffer.allocate(input.length * 4);
        for (int i = 0; i < out.size(); i++) {
          all.put(((OnnxTensor) out.get(i)).getFloatBuffer());
        }
        return Arrays.copyOf(all.array(), all.position());
      }
    });
  }

  private static NodeProto node(String op, List<String> inputs, String output, AttributeProto... attributes) {
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output + "_node").addAllInput(inputs).addOutput(output);
    for (AttributeProto a : attributes) {
      node.addAttribute(a);
    }
    return node.build();
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private static TensorProto floats(String name, Random random, float low, float high, long... dims) {
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    ByteBuffer bytes = ByteBuffer.allocate((int) count * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      bytes.putFloat(low + (high - low) * random.nextFloat());
    }
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
        .setRawData(ByteString.copyFrom(bytes.array()));
    for (long d : dims) {
      tensor.addDims(d);
    }
    return tensor.build();
  }

  private static ValueInfoProto info(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
  }
}
