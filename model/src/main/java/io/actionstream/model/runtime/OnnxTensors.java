package io.actionstream.model.runtime;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Reading and writing ONNX initializers ({@code TensorProto}) for the graph rewrites: the
 * per-frame convolutions here and training's int8 quantizer. Values are little-endian raw data,
 * as ONNX stores them; a float tensor written as {@code float_data} reads too.
 */
public final class OnnxTensors {

  private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
  private static final int INT64 = TensorProto.DataType.INT64.getNumber();

  private OnnxTensors() {}

  /**
   * The values of a float32 tensor.
   *
   * @throws IllegalArgumentException when it is not float32
   */
  public static float[] floats(TensorProto tensor) {
    if (tensor.getDataType() != FLOAT) {
      throw new IllegalArgumentException("initializer '" + tensor.getName() + "' is not float32");
    }
    if (tensor.getRawData().isEmpty()) {
      float[] values = new float[tensor.getFloatDataCount()];
      for (int i = 0; i < values.length; i++) {
        values[i] = tensor.getFloatData(i);
      }
      return values;
    }
    FloatBuffer buffer = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  /** A float32 tensor of {@code dims} (none: a scalar). */
  public static TensorProto floats(String name, float[] values, long... dims) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      bytes.putFloat(v);
    }
    return raw(name, FLOAT, bytes.array(), dims);
  }

  /** An int64 scalar. */
  public static TensorProto int64(String name, long value) {
    return TensorProto.newBuilder().setName(name).setDataType(INT64).addInt64Data(value).build();
  }

  /** A one-dimensional int64 tensor. */
  public static TensorProto int64s(String name, long... values) {
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(INT64).addDims(values.length);
    for (long v : values) {
      tensor.addInt64Data(v);
    }
    return tensor.build();
  }

  /** A tensor of ONNX data type {@code type} from its little-endian bytes. */
  public static TensorProto raw(String name, int type, byte[] bytes, long... dims) {
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(bytes));
    for (long d : dims) {
      tensor.addDims(d);
    }
    return tensor.build();
  }
}
