package io.actionstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The int8 graph's pools as reductions against ONNX Runtime's own MaxPool on the same graph and
 * input: the same maxima exactly, at any batch size, in both spellings of ReduceMax's axes; and
 * what does not qualify (overlapping windows, a pool of fp32 values, an fp32 graph) left alone.
 */
class IntegerPoolsTest {

  /** Frames, height and width of the tiny graph's input (3 channels). */
  private static final long[] SHAPE = {8, 12, 10};

  @ParameterizedTest
  @ValueSource(ints = {17, 18})
  void theRewrittenPoolsGiveTheSameMaximaAtAnyBatchSize(int opset) throws Exception {
    byte[] original = graph(opset);
    IntegerPools.Rewritten rewritten = IntegerPools.rewrite(original);

    assertThat(rewritten.pools()).as("the two tiling pools fed by dequantized values").isEqualTo(2);
    List<NodeProto> nodes = ModelProto.parseFrom(rewritten.onnx()).getGraph().getNodeList();
    assertThat(nodes).filteredOn(n -> n.getOpType().equals("MaxPool")).extracting(NodeProto::getName)
        .containsExactlyInAnyOrder("overlapping", "of_floats");
    for (int batch : new int[] {1, 3}) {
      float[] input = new float[(int) (batch * 3 * SHAPE[0] * SHAPE[1] * SHAPE[2])];
      Random random = new Random(batch);
      for (int i = 0; i < input.length; i++) {
        input[i] = (float) random.nextGaussian();
      }
      Map<String, float[]> expected = run(original, input, batch);
      Map<String, float[]> actual = run(rewritten.onnx(), input, batch);
      assertThat(expected.get("tiled")).as("a nonzero result").matches(values -> max(values) > 0.5f);
      for (String output : expected.keySet()) {
        assertThat(actual.get(output)).as(output + " at batch " + batch).containsExactly(expected.get(output));
      }
    }
  }

  @Test
  void anFp32GraphIsLeftAsItIs() throws Exception {
    byte[] fp32 = new TinyOnnx().build();
    IntegerPools.Rewritten rewritten = IntegerPools.rewrite(fp32);
    assertThat(rewritten.pools()).isZero();
    assertThat(rewritten.onnx()).isSameAs(fp32);
  }

  @Test
  void theShippedInt8StudentPoolsOnItsFramesAndIsLeftAsItIs() throws Exception {
    // quantized from the per-frame form whose pools run on the frames: 2D pools, which ONNX
    // Runtime runs on the integer convolutions' own layout, and no 3D pool to rewrite
    byte[] shipped = Files.readAllBytes(Path.of(System.getProperty("actionstream.shipped.int8")));
    List<NodeProto> pools = ModelProto.parseFrom(shipped).getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("MaxPool")).toList();
    assertThat(pools).isNotEmpty().allSatisfy(pool -> assertThat(OnnxNodes.tilingPoolKernel(pool)).hasSize(2));
    IntegerPools.Rewritten rewritten = IntegerPools.rewrite(FrameConvolutions.rewrite(shipped).onnx());
    assertThat(rewritten.pools()).isZero();
  }

  private static float max(float[] values) {
    float m = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  /**
   * x [N, 3, T, H, W] -> Q -> DQ -> MaxPool 2x2x2 -> Q -> DQ -> MaxPool 2x1x1 = tiled (both
   * rewritten); DQ -> MaxPool 3x3x3 stride 2 = overlapping (kept); x -> MaxPool 2x2x2 = of_floats
   * (kept: not dequantized).
   */
  private static byte[] graph(int opset) {
    TensorProto scale = TensorProto.newBuilder().setName("scale").setDataType(TensorProto.DataType.FLOAT.getNumber()).addFloatData(0.02f)
        .build();
    TensorProto zero = TensorProto.newBuilder().setName("zero").setDataType(TensorProto.DataType.UINT8.getNumber())
        .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 128})).build();
    GraphProto.Builder graph = GraphProto.newBuilder().setName("pools").addInput(input()).addInitializer(scale).addInitializer(zero)
        .addOutput(output("tiled")).addOutput(output("overlapping")).addOutput(output("of_floats"));
    graph.addNode(OnnxNodes.node("QuantizeLinear", "q", List.of("x", "scale", "zero"), "xq"));
    graph.addNode(OnnxNodes.node("DequantizeLinear", "dq", List.of("xq", "scale", "zero"), "xd"));
    graph.addNode(OnnxNodes.node("MaxPool", "cube", List.of("xd"), "p1", OnnxNodes.ints("kernel_shape", 2, 2, 2),
        OnnxNodes.ints("strides", 2, 2, 2)));
    graph.addNode(OnnxNodes.node("QuantizeLinear", "q1", List.of("p1", "scale", "zero"), "p1q"));
    graph.addNode(OnnxNodes.node("DequantizeLinear", "dq1", List.of("p1q", "scale", "zero"), "p1d"));
    graph.addNode(OnnxNodes.node("MaxPool", "temporal", List.of("p1d"), "tiled", OnnxNodes.ints("kernel_shape", 2, 1, 1),
        OnnxNodes.ints("strides", 2, 1, 1)));
    graph.addNode(OnnxNodes.node("MaxPool", "overlapping", List.of("xd"), "overlapping", OnnxNodes.ints("kernel_shape", 3, 3, 3),
        OnnxNodes.ints("strides", 2, 2, 2), OnnxNodes.ints("pads", 1, 1, 1, 1, 1, 1)));
    graph.addNode(OnnxNodes.node("MaxPool", "of_floats", List.of("x"), "of_floats", OnnxNodes.ints("kernel_shape", 2, 2, 2),
        OnnxNodes.ints("strides", 2, 2, 2)));
    return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(graph)
        .build().toByteArray();
  }

  private static ValueInfoProto input() {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3));
    for (long d : SHAPE) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
  }

  private static ValueInfoProto output(String name) {
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()))).build();
  }

  private static Map<String, float[]> run(byte[] model, float[] input, int batch) throws Exception {
    return onOrtThread(model, "x", input, new long[] {batch, 3, SHAPE[0], SHAPE[1], SHAPE[2]});
  }

  /** Every output of one run, by name. */
  private static Map<String, float[]> onOrtThread(byte[] model, String inputName, float[] input, long[] shape) throws Exception {
    return LargeStack.call(() -> {
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        try (OrtSession session = environment.createSession(model, options);
            OnnxTensor x = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), shape);
            OrtSession.Result out = session.run(Map.of(inputName, x))) {
          Map<String, float[]> values = new LinkedHashMap<>();
          for (Map.Entry<String, ai.onnxruntime.OnnxValue> entry : out) {
            FloatBuffer y = ((OnnxTensor) entry.getValue()).getFloatBuffer();
            float[] v = new float[y.remaining()];
            y.get(v);
            values.put(entry.getKey(), v);
          }
          return values;
        }
      }
    });
  }
}
