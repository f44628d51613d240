package io.actionstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelMetadata;
import io.actionstream.model.ModelRefusedException;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.RefusalReason;
import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.model.frame.FrameEncodings;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PixelInputTest {

  @Test
  void theFrontEndGivesTheFloatsOfTheJavaNormalizationValueForValue() throws Exception {
    // every channel its own mean and std, so a channel taken from the wrong place shows
    ModelSpec spec = new ModelSpec("m", "1", List.of("a", "b"), ModelSpec.input(3, 8, 9, 8, new float[] {0.485f, 0.456f, 0.406f},
        new float[] {0.229f, 0.224f, 0.225f}, 10, FrameEncodings.DEFAULT), ModelSpec.attention(1, 1, 1), 0);
    int frameBytes = 8 * 9 * 3;
    Random random = new Random(5);
    ByteBuffer pixels = ByteBuffer.allocateDirect(2 * spec.clipValues());
    float[] expected = new float[2 * spec.clipValues()];
    for (int clip = 0; clip < 2; clip++) {
      for (int k = 0; k < spec.frames(); k++) {
        byte[] frame = new byte[frameBytes];
        random.nextBytes(frame);
        pixels.put(frame);
        ClipPreprocessor.normalize(frame, spec, expected, clip * spec.clipValues(), k);
      }
    }
    pixels.flip();
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OrtSession session = environment.createSession(PixelInput.frontEnd(spec), new OrtSession.SessionOptions());
        OnnxTensor input = OnnxTensor.createTensor(environment, pixels, new long[] {2, 3, 8, 9, 3}, OnnxJavaType.UINT8);
        OrtSession.Result result = session.run(Map.of(ModelContract.PIXELS, input))) {
      FloatBuffer out = ((OnnxTensor) result.get(ModelContract.INPUT).orElseThrow()).getFloatBuffer();
      float[] actual = new float[out.remaining()];
      out.get(actual);
      assertThat(actual).hasSameSizeAs(expected);
      int first = java.util.Arrays.mismatch(actual, expected);
      assertThat(first).as("first value that differs (%s)", first < 0 ? "none" : actual[first] + " vs " + expected[first])
          .isEqualTo(-1);
    }
  }

  @Test
  void aModelFedPixelsAnswersAsTheSameModelFedTheNormalizedClip() throws Exception {
    byte[] onnx = new TinyOnnx().build();
    try (StudentModel clips = StudentModel.load(onnx, ExecutionProvider.CPU, "tiny.onnx");
        StudentModel pixels = StudentModel.load(onnx, ExecutionProvider.CPU, "tiny.onnx", StudentModel.Feed.PIXELS)) {
      ModelSpec spec = pixels.spec();
      int frameBytes = spec.height() * spec.width() * 3;
      ByteBuffer batch = ByteBuffer.allocateDirect(2 * spec.clipValues());
      float[] normalized = new float[2 * spec.clipValues()];
      for (int clip = 0; clip < 2; clip++) {
        for (int k = 0; k < spec.frames(); k++) {
          byte[] frame = new byte[frameBytes];
          for (int i = 0; i < frameBytes; i += 3) {
            frame[i] = (byte) (10 + clip); // blue
            frame[i + 1] = (byte) 128; // green
            frame[i + 2] = (byte) (250 - k); // red
          }
          batch.put(frame);
          ClipPreprocessor.normalize(frame, spec, normalized, clip * spec.clipValues(), k);
        }
      }
      StudentModel.Output fromPixels = pixels.run(batch.flip(), 2);
      StudentModel.Output fromFloats = clips.run(normalized, 2);
      assertThat(fromPixels.logits()).containsExactly(fromFloats.logits());
      assertThat(fromPixels.attention()).containsExactly(fromFloats.attention());
      // the tiny model's logits are the channel means, in RGB order: red is brightest
      assertThat(fromPixels.logits()[0]).isGreaterThan(fromPixels.logits()[1]).isGreaterThan(fromPixels.logits()[2]);
      assertThat(pixels.feed()).isEqualTo(StudentModel.Feed.PIXELS);
      assertThatThrownBy(() -> pixels.run(normalized, 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("PIXELS");
      assertThatThrownBy(() -> clips.run(batch, 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("CLIPS");
    }
  }

  @Test
  void aGraphBeforeOpset13KeepsTheCastAndTheMulForItsScaling() throws Exception {
    ModelProto tiny = ModelProto.parseFrom(new TinyOnnx().build());
    ModelSpec spec = specOf(tiny);
    for (long opset : new long[] {12, 13}) {
      ModelProto versioned = tiny.toBuilder().clearOpsetImport()
          .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).build();
      List<NodeProto> nodes = ModelProto.parseFrom(PixelInput.prepend(versioned.toByteArray(), spec)).getGraph().getNodeList();
      // DequantizeLinear has a scale per channel from opset 13 on
      assertThat(nodes).as("opset %d", opset).filteredOn(n -> n.getOpType().equals("DequantizeLinear")).hasSize(opset >= 13 ? 1 : 0);
      assertThat(nodes).as("opset %d", opset).filteredOn(n -> n.getOpType().equals("Cast") || n.getOpType().equals("Mul"))
          .hasSize(opset >= 13 ? 0 : 2);
    }
  }

  @Test
  void theShippedStudentFedPixelsAgreesWithItsFloatInput() throws Exception {
    byte[] onnx = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(System.getProperty("actionstream.shipped.model")));
    try (StudentModel clips = StudentModel.load(onnx, ExecutionProvider.CPU, "student.onnx");
        StudentModel pixels = StudentModel.load(onnx, ExecutionProvider.CPU, "student.onnx", StudentModel.Feed.PIXELS)) {
      ModelSpec spec = pixels.spec();
      byte[] clip = new byte[spec.clipValues()];
      new Random(3).nextBytes(clip);
      float[] normalized = new float[spec.clipValues()];
      int frameBytes = spec.height() * spec.width() * 3;
      for (int k = 0; k < spec.frames(); k++) {
        ClipPreprocessor.normalize(java.util.Arrays.copyOfRange(clip, k * frameBytes, (k + 1) * frameBytes), spec, normalized, 0, k);
      }
      float[] fromPixels = pixels.run(ByteBuffer.allocateDirect(clip.length).put(clip).flip(), 1).logits();
      float[] fromFloats = clips.run(normalized, 1).logits();
      assertThat(fromPixels).containsExactly(fromFloats, org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  @Test
  void theShippedStudentsFramesComeStraightFromThePixels() throws Exception {
    ModelProto shipped = ModelProto.parseFrom(Files.readAllBytes(Path.of(System.getProperty("actionstream.shipped.model"))));
    byte[] served = PixelInput.prepend(FrameConvolutions.rewrite(shipped.toByteArray()).onnx(), specOf(shipped));
    List<NodeProto> nodes = ModelProto.parseFrom(served).getGraph().getNodeList();
    // the per-frame form reads frames, which the front end writes: no float clip in between
    assertThat(nodes).noneMatch(n -> n.getInputList().contains(ModelContract.INPUT) || n.getOutputList().contains(ModelContract.INPUT));
    // the pixels' bytes into frames, and the last stage's frames back into [N, C, T, H, W] for the heads
    assertThat(nodes).filteredOn(n -> n.getOpType().equals("Transpose")).hasSize(2);
    // the pixels become scaled floats in one pass, not a Cast and then a Mul
    assertThat(nodes).filteredOn(n -> n.getOpType().equals("DequantizeLinear")).hasSize(1);
    assertThat(nodes).noneMatch(n -> n.getOpType().equals("Cast"));
  }

  @Test
  void aBrokenModelIsRefusedForTheSameReasonWhenFedPixels() {
    TinyOnnx wrongInput = new TinyOnnx();
    wrongInput.inputName = "video";
    assertThatThrownBy(() -> StudentModel.load(wrongInput.build(), ExecutionProvider.CPU, "bad.onnx", StudentModel.Feed.PIXELS))
        .isInstanceOf(ModelRefusedException.class)
        .satisfies(e -> assertThat(((ModelRefusedException) e).reason()).isEqualTo(RefusalReason.WRONG_INPUT));
  }

  /** The model's description, read from its metadata. */
  private static ModelSpec specOf(ModelProto model) throws ModelRefusedException {
    Map<String, String> metadata = new HashMap<>();
    model.getMetadataPropsList().forEach(entry -> metadata.put(entry.getKey(), entry.getValue()));
    return ModelMetadata.read(metadata);
  }
}
