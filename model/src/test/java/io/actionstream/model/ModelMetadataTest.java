package io.actionstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actionstream.model.frame.FrameEncodings;
import io.actionstream.model.frame.ImageFormat;
import io.actionstream.model.frame.ResizeMode;
import io.actionstream.schemas.v1.ImageEncoding;
import io.actionstream.schemas.v1.InputSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ModelMetadataTest {

  private final ModelSpec spec = new ModelSpec("student", "20261201T000000Z", List.of("wave", "jump", "sit_down"),
      ModelSpec.input(16, 112, 112, 8, new float[] {0.4f, 0.45f, 0.5f}, new float[] {0.2f, 0.225f, 0.25f}, 128,
          FrameEncodings.of(320, 240, ResizeMode.CROP, 90)),
      ModelSpec.attention(4, 14, 14), 1.25);

  @Test
  void everyFieldRoundTripsThroughTheMetadata() throws ModelRefusedException {
    Map<String, String> metadata = ModelMetadata.write(spec);
    assertThat(metadata).containsOnlyKeys(ModelContract.MODEL_NAME_KEY, ModelContract.VERSION_KEY, ModelContract.LABELS_KEY,
        ModelContract.INPUT_KEY, ModelContract.ATTENTION_KEY, ModelContract.GFLOPS_KEY, ModelContract.PRECISION_KEY);
    ModelSpec read = ModelMetadata.read(metadata);
    assertThat(read).isEqualTo(spec);
    assertThat(read.input()).isEqualTo(spec.input());
    assertThat(read.name()).isEqualTo("student");
    assertThat(read.version()).isEqualTo("20261201T000000Z");
    assertThat(read.labels()).containsExactly("wave", "jump", "sit_down");
    assertThat(read.frames()).isEqualTo(16);
    assertThat(read.height()).isEqualTo(112);
    assertThat(read.width()).isEqualTo(112);
    assertThat(read.fps()).isEqualTo(8);
    assertThat(read.mean()).containsExactly(0.4f, 0.45f, 0.5f);
    assertThat(read.std()).containsExactly(0.2f, 0.225f, 0.25f);
    assertThat(read.resize()).isEqualTo(ModelContract.SHORT_SIDE_CENTRE_CROP);
    assertThat(read.resizeShortSide()).isEqualTo(128);
    assertThat(read.interpolation()).isEqualTo(ModelContract.LINEAR);
    assertThat(read.input().getChannelOrder()).isEqualTo("RGB");
    assertThat(read.input().getLayout()).isEqualTo("NCTHW");
    assertThat(read.frameEncoding()).isEqualTo(FrameEncodings.of(320, 240, ResizeMode.CROP, 90));
    assertThat(read.mapFrames()).isEqualTo(4);
    assertThat(read.mapHeight()).isEqualTo(14);
    assertThat(read.mapWidth()).isEqualTo(14);
    assertThat(read.gflops()).isEqualTo(1.25);
    assertThat(read.precision()).isEqualTo(Precision.FP32);
    // the JSON is the InputSpec message's, so a ModelRelease's input_spec can carry the very same value
    assertThat(metadata.get(ModelContract.INPUT_KEY)).contains("\"resize_short_side\":128").contains("\"interpolation\":\"linear\"")
        .contains("\"frame_encoding\"");
  }

  @Test
  void theNumberFormatRoundTripsAndAFileWithoutItIsFp32() throws ModelRefusedException {
    ModelSpec int8 = spec.withPrecision(Precision.INT8);
    Map<String, String> metadata = ModelMetadata.write(int8);
    assertThat(metadata).containsEntry(ModelContract.PRECISION_KEY, "int8");
    assertThat(ModelMetadata.read(metadata)).isEqualTo(int8).isNotEqualTo(spec);
    assertThat(ModelMetadata.read(metadata).precision()).isEqualTo(Precision.INT8);

    // every model exported before the key existed
    Map<String, String> older = new LinkedHashMap<>(ModelMetadata.write(spec));
    older.remove(ModelContract.PRECISION_KEY);
    assertThat(ModelMetadata.read(older).precision()).isEqualTo(Precision.FP32);
  }

  @Test
  void aModelTrainedOnRawFramesSaysSoAndNeedsNoQuality() throws ModelRefusedException {
    ModelSpec raw = ModelMetadata.read(input(new LinkedHashMap<>(ModelMetadata.write(spec)),
        i -> i.setFrameEncoding(FrameEncodings.of(128, 128, ResizeMode.CROP, ImageFormat.RAW, 85))));
    assertThat(raw.frameEncoding().getEncoding()).isEqualTo(ImageEncoding.IMAGE_ENCODING_BGR24);
    assertThat(raw.frameEncoding().getQuality()).as("a JPEG setting, not kept for raw frames").isZero();
    assertThat(ModelMetadata.read(ModelMetadata.write(raw))).isEqualTo(raw);
    refused(m -> input(m, i -> i.setFrameEncoding(i.getFrameEncoding().toBuilder()
        .setEncoding(ImageEncoding.IMAGE_ENCODING_UNSPECIFIED))), "JPEG with a quality of 1-100, BGR24 or I420");
  }

  @Test
  void aModelTrainedOnI420FramesSaysSoAndNeedsAnEvenFrameSize() throws ModelRefusedException {
    ModelSpec i420 = ModelMetadata.read(input(new LinkedHashMap<>(ModelMetadata.write(spec)),
        i -> i.setFrameEncoding(FrameEncodings.of(128, 128, ResizeMode.CROP, ImageFormat.I420, 85))));
    assertThat(i420.frameEncoding().getEncoding()).isEqualTo(ImageEncoding.IMAGE_ENCODING_I420);
    assertThat(i420.frameEncoding().getQuality()).isZero();
    assertThat(ModelMetadata.read(ModelMetadata.write(i420))).isEqualTo(i420);
    refused(m -> input(m, i -> i.setFrameEncoding(FrameEncodings.of(127, 128, ResizeMode.CROP, ImageFormat.I420, 85))),
        "I420 (of an even size)");
  }

  @Test
  void eachKindOfBadMetadataIsRefusedWithItsReason() {
    refused(m -> with(m, ModelContract.PRECISION_KEY, "fp16"), "precision 'fp16' is not one of [fp32, int8]");
    refused(m -> without(m, ModelContract.LABELS_KEY), "no actionstream.labels");
    refused(m -> without(m, ModelContract.MODEL_NAME_KEY), "no actionstream.model_name");
    refused(m -> with(m, ModelContract.LABELS_KEY, "[\"only\"]"), "fewer than two labels");
    refused(m -> with(m, ModelContract.LABELS_KEY, "not json"), "Unrecognized token");
    refused(m -> with(m, ModelContract.INPUT_KEY, "{\"frames\":16,\"surprise\":1}"), "surprise");
    refused(m -> input(m, i -> i.setInterpolation("cubic")), "interpolation 'cubic'");
    refused(m -> input(m, i -> i.clearInterpolation()), "interpolation ''");
    refused(m -> input(m, i -> i.setFps(0)), "fps must be positive");
    refused(m -> input(m, i -> i.clearFrameEncoding()), "frame_encoding");
    refused(m -> input(m, i -> i.setFrameEncoding(i.getFrameEncoding().toBuilder().setQuality(0))), "frame_encoding");
    refused(m -> input(m, i -> i.setChannelOrder("BGR")), "'BGR'");
    refused(m -> input(m, i -> i.setName("video")), "'video'");
    refused(m -> input(m, i -> i.setResizeShortSide(100)), "short side 100 cannot give 112x112");
    refused(m -> input(m, i -> i.setResize("squash")), "resize 'squash'");
    refused(m -> input(m, i -> i.setStd(1, 0)), "std must be positive");
    refused(m -> input(m, i -> i.clearMean().addMean(0.5f)), "mean needs three values");
    refused(m -> with(m, ModelContract.ATTENTION_KEY, "{\"name\":\"attention\",\"frames\":0,\"height\":14,\"width\":14}"),
        "is not a clip size");
    refused(m -> with(m, ModelContract.ATTENTION_KEY, "{\"name\":\"motion\",\"frames\":4,\"height\":14,\"width\":14}"), "'motion'");
  }

  private void refused(UnaryOperator<Map<String, String>> breakIt, String message) {
    Map<String, String> metadata = breakIt.apply(new LinkedHashMap<>(ModelMetadata.write(spec)));
    assertThatThrownBy(() -> ModelMetadata.read(metadata))
        .isInstanceOf(ModelRefusedException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((ModelRefusedException) e).reason()).isEqualTo(RefusalReason.BAD_METADATA));
  }

  private static Map<String, String> without(Map<String, String> metadata, String key) {
    metadata.remove(key);
    return metadata;
  }

  private static Map<String, String> with(Map<String, String> metadata, String key, String value) {
    metadata.put(key, value);
    return metadata;
  }

  private Map<String, String> input(Map<String, String> metadata, UnaryOperator<InputSpec.Builder> change) {
    try {
      InputSpec.Builder input = spec.input().toBuilder();
      change.apply(input);
      metadata.put(ModelContract.INPUT_KEY, com.google.protobuf.util.JsonFormat.printer().print(input));
      return metadata;
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
