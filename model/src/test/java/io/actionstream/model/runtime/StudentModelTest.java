package io.actionstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelRefusedException;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.RefusalReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class StudentModelTest {

  @Test
  void aGoodModelLoadsFromItsFileAloneAndRunsBatches() throws Exception {
    try (StudentModel model = StudentModel.load(new TinyOnnx().build(), ExecutionProvider.AUTO, "tiny.onnx")) {
      assertThat(model.provider()).as("no GPU runtime on the class path: CPU").isEqualTo("cpu");
      assertThat(model.spec().labels()).containsExactly("a", "b", "c");
      float[] input = new float[2 * 3 * 4 * 8 * 8];
      Arrays.fill(input, 3 * 4 * 8 * 8, 2 * 3 * 4 * 8 * 8, 1f); // second clip all ones
      StudentModel.Output out = model.run(input, 2);
      assertThat(out.logits()).containsExactly(0f, 0f, 0f, 1f, 1f, 1f);
      assertThat(out.attention()).hasSize(2 * 256);
      assertThat(out.attention()[0]).isEqualTo(1f / 256, org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  @Test
  void onTheCpuItRunsOneBatchPerCoreAtOnceAndReadsNativeBuffersInPlace() throws Exception {
    try (StudentModel model = StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CPU, "tiny.onnx")) {
      assertThat(model.parallelRuns()).isEqualTo(Runtime.getRuntime().availableProcessors());
      int clip = 3 * 4 * 8 * 8;
      // room for a batch of 3, of which only the first 2 clips are run
      java.nio.FloatBuffer input = java.nio.ByteBuffer.allocateDirect(3 * clip * Float.BYTES)
          .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
      for (int i = 0; i < clip; i++) {
        input.put(i, i < clip / 3 ? 0.3f : 0f); // first clip: red 0.3
        input.put(clip + i, 1f);
        input.put(2 * clip + i, 7f);
      }
      StudentModel.Output out = model.run(input, 2);
      assertThat(out.n()).isEqualTo(2);
      assertThat(out.logits()).containsExactly(new float[] {0.3f, 0f, 0f, 1f, 1f, 1f}, org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  @Test
  void aCpuBatchLargerThanOneRunTakesComesBackWholeAndInOrder() throws Exception {
    try (StudentModel model = StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CPU, "tiny.onnx")) {
      int clip = 3 * 4 * 8 * 8;
      int n = 2 * StudentModel.CPU_RUN_CLIPS + 1;
      float[] input = new float[n * clip];
      for (int c = 0; c < n; c++) {
        Arrays.fill(input, c * clip, (c + 1) * clip, c);
      }
      StudentModel.Output out = model.run(input, n);
      assertThat(out.n()).isEqualTo(n);
      assertThat(out.attention()).hasSize(n * 256);
      for (int c = 0; c < n; c++) {
        assertThat(Arrays.copyOfRange(out.logits(), 3 * c, 3 * c + 3)).as("clip " + c).containsExactly(c, c, c);
      }
    }
  }

  @Test
  void theShippedStudentLoadsAndDescribesItself() throws Exception {
    Path shipped = Path.of(System.getProperty("actionstream.shipped.model"));
    try (StudentModel model = StudentModel.load(Files.readAllBytes(shipped), ExecutionProvider.CPU, shipped.toString())) {
      ModelSpec spec = model.spec();
      assertThat(spec.name()).isEqualTo("student");
      assertThat(spec.labels()).hasSize(10).contains("walk_left", "sit_down");
      assertThat(spec.resize()).isEqualTo(ModelContract.SHORT_SIDE_CENTRE_CROP);
      assertThat(spec.mapSize()).isEqualTo(spec.mapFrames() * spec.mapHeight() * spec.mapWidth());
    }
  }

  @Test
  void everyKindOfBrokenModelIsRefusedWithItsReason() {
    byte[] good = new TinyOnnx().build();
    refused(() -> StudentModel.load(Arrays.copyOf(good, good.length / 2), ExecutionProvider.CPU, "half.onnx"), RefusalReason.NOT_ONNX);
    byte[] noise = new byte[4096];
    new Random(1).nextBytes(noise);
    refused(() -> StudentModel.load(noise, ExecutionProvider.CPU, "noise.onnx"), RefusalReason.NOT_ONNX);
    TinyOnnx noMetadata = new TinyOnnx();
    noMetadata.metadata = false;
    refused(() -> StudentModel.load(noMetadata.build(), ExecutionProvider.CPU, "x"), RefusalReason.BAD_METADATA);
    TinyOnnx wrongLength = new TinyOnnx();
    wrongLength.metadataFrames = 8;
    refused(() -> StudentModel.load(wrongLength.build(), ExecutionProvider.CPU, "x"), RefusalReason.WRONG_INPUT);
    TinyOnnx wrongName = new TinyOnnx();
    wrongName.inputName = "video";
    refused(() -> StudentModel.load(wrongName.build(), ExecutionProvider.CPU, "x"), RefusalReason.WRONG_INPUT);
    TinyOnnx noLogits = new TinyOnnx();
    noLogits.logitsName = "scores";
    refused(() -> StudentModel.load(noLogits.build(), ExecutionProvider.CPU, "x"), RefusalReason.MISSING_OUTPUTS);
    TinyOnnx fourLabels = new TinyOnnx();
    fourLabels.labels = java.util.List.of("a", "b", "c", "d");
    refused(() -> StudentModel.load(fourLabels.build(), ExecutionProvider.CPU, "x"), RefusalReason.WARMUP_FAILED);
  }

  @Test
  void askingForCudaWithoutAGpuRuntimeFailsClearly() {
    assertThatThrownBy(() -> StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CUDA, "tiny.onnx"))
        .isInstanceOf(ModelRefusedException.class)
        .hasMessageContaining("CUDA execution provider is not usable here")
        .hasMessageContaining("-Pcuda");
  }

  private static void refused(ThrowingCallable load, RefusalReason reason) {
    assertThatThrownBy(load).isInstanceOf(ModelRefusedException.class)
        .satisfies(e -> assertThat(((ModelRefusedException) e).reason()).as(e.getMessage()).isEqualTo(reason));
  }
}
