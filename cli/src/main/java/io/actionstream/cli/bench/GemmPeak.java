package io.actionstream.cli.bench;

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
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The machine's fp32 matrix-multiply peak as ONNX Runtime reaches it: a large MatMul, run the
 * way the student runs (one single-threaded session per core, side by side), so that "the
 * network at X% of peak" compares like with like, measured in the same run.
 */
final class GemmPeak {

  private GemmPeak() {}

  /** GFLOP/s of {@code n x n} by {@code n x n} MatMuls on {@code sessions} single-threaded sessions at once. */
  static double measure(int n, int sessions, double seconds) throws OrtException, InterruptedException {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    FloatBuffer a = random(n * n, 1);
    FloatBuffer b = random(n * n, 2);
    List<OrtSession> all = new ArrayList<>();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OnnxTensor left = OnnxTensor.createTensor(environment, a, new long[] {n, n});
        OnnxTensor right = OnnxTensor.createTensor(environment, b, new long[] {n, n})) {
      options.setIntraOpNumThreads(1);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      byte[] model = matMul(n);
      for (int s = 0; s < sessions; s++) {
        OrtSession session = environment.createSession(model, options);
        all.add(session);
        session.run(Map.of("A", left, "B", right)).close();
      }
      AtomicLong runs = new AtomicLong();
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      List<Thread> callers = new ArrayList<>();
      for (OrtSession session : all) {
        Thread caller = new Thread(() -> {
          try {
            while (System.nanoTime() < end) {
              session.run(Map.of("A", left, "B", right)).close();
              runs.incrementAndGet();
            }
          } catch (OrtException e) {
            throw new IllegalStateException(e);
          }
        }, "gemm-peak");
        callers.add(caller);
        caller.start();
      }
      for (Thread caller : callers) {
        caller.join();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      return runs.get() * 2.0 * n * n * n / elapsed / 1e9;
    } finally {
      for (OrtSession session : all) {
        session.close();
      }
    }
  }

  private static FloatBuffer random(int values, long seed) {
    FloatBuffer buffer = ByteBuffer.allocateDirect(values * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    Random random = new Random(seed);
    for (int i = 0; i < values; i++) {
      buffer.put(i, random.nextFloat() - 0.5f);
    }
    return buffer;
  }

  private static byte[] matMul(int n) {
    GraphProto graph = GraphProto.newBuilder().setName("gemm-peak")
        .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("A").addInput("B").addOutput("C"))
        .addInput(square("A", n)).addInput(square("B", n)).addOutput(square("C", n)).build();
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("actionstream-bench")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph).build().toByteArray();
  }

  private static ValueInfoProto square(String name, int n) {
    TensorShapeProto shape = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(n))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(n)).build();
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
  }
}
