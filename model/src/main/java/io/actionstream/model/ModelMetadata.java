package io.actionstream.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.actionstream.schemas.v1.AttentionSpec;
import io.actionstream.schemas.v1.InputSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one reader and writer of a model's ONNX metadata ({@code metadata_props}): the keys of
 * {@link ModelContract}, the input and attention specs as the JSON form of their protobuf
 * messages (the same {@code InputSpec} a {@code ModelRelease} carries), the labels as a JSON
 * array. Reading is strict: an unknown field, a missing key or a spec that {@link ModelSpec}
 * refuses is {@link RefusalReason#BAD_METADATA}.
 */
public final class ModelMetadata {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace().preservingProtoFieldNames();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private ModelMetadata() {}

  /** The metadata entries that describe {@code spec}, in a stable order. */
  public static Map<String, String> write(ModelSpec spec) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(ModelContract.MODEL_NAME_KEY, spec.name());
    metadata.put(ModelContract.VERSION_KEY, spec.version());
    try {
      metadata.put(ModelContract.LABELS_KEY, JSON.writeValueAsString(spec.labels()));
      metadata.put(ModelContract.INPUT_KEY, PRINTER.print(spec.input()));
      metadata.put(ModelContract.ATTENTION_KEY, PRINTER.print(spec.attention()));
    } catch (JsonProcessingException | InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot write model metadata: " + e.getMessage(), e);
    }
    metadata.put(ModelContract.GFLOPS_KEY, String.valueOf(spec.gflops()));
    metadata.put(ModelContract.PRECISION_KEY, spec.precision().label());
    return metadata;
  }

  /** Reads and checks the metadata of a model file. */
  public static ModelSpec read(Map<String, String> metadata) throws ModelRefusedException {
    try {
      List<String> labels = List.of(JSON.readValue(require(metadata, ModelContract.LABELS_KEY), String[].class));
      InputSpec input = parse(require(metadata, ModelContract.INPUT_KEY), InputSpec.newBuilder(), ModelContract.INPUT_KEY);
      AttentionSpec attention = parse(require(metadata, ModelContract.ATTENTION_KEY), AttentionSpec.newBuilder(), ModelContract.ATTENTION_KEY);
      String gflops = metadata.getOrDefault(ModelContract.GFLOPS_KEY, "0");
      return new ModelSpec(require(metadata, ModelContract.MODEL_NAME_KEY), require(metadata, ModelContract.VERSION_KEY), labels, input,
          attention, Double.parseDouble(gflops),
          Precision.of(metadata.getOrDefault(ModelContract.PRECISION_KEY, Precision.FP32.label())));
    } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
      throw new ModelRefusedException(RefusalReason.BAD_METADATA, "model metadata is not usable: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Message> T parse(String json, Message.Builder builder, String key) {
    try {
      PARSER.merge(json, builder);
      return (T) builder.build();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(key + " is not valid: " + e.getMessage(), e);
    }
  }

  private static String require(Map<String, String> metadata, String key) {
    String value = metadata.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("no " + key);
    }
    return value;
  }
}
