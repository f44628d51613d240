package io.actionstream.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a student model says about itself in its ONNX metadata: name, version, labels, and how
 * to feed it (frames per clip, frame size, frame rate, normalization, resizing) and read it
 * (attention map size). Keys: {@code actionstream.model_name}, {@code .version}, {@code
 * .labels}, {@code .input}, {@code .attention} (see the README, "The model file").
 */
public record ModelSpec(
    String name,
    String version,
    List<String> labels,
    int frames,
    int height,
    int width,
    double fps,
    float[] mean,
    float[] std,
    String resize,
    int resizeShortSide,
    int mapFrames,
    int mapHeight,
    int mapWidth,
    double gflops) {

  public static final String SHORT_SIDE_CENTRE_CROP = "short-side-centre-crop";
  public static final String STRETCH = "stretch";

  private static final ObjectMapper JSON = new ObjectMapper();

  public ModelSpec {
    labels = List.copyOf(labels);
    mean = mean.clone();
    std = std.clone();
  }

  /** Reads and checks the metadata; throws {@link ModelRefusedException} (BAD_METADATA). */
  public static ModelSpec fromMetadata(Map<String, String> metadata) throws ModelRefusedException {
    try {
      String name = require(metadata, "actionstream.model_name");
      String version = require(metadata, "actionstream.version");
      List<String> labels = new ArrayList<>();
      for (JsonNode label : JSON.readTree(require(metadata, "actionstream.labels"))) {
        labels.add(label.asText());
      }
      JsonNode input = JSON.readTree(require(metadata, "actionstream.input"));
      JsonNode attention = JSON.readTree(require(metadata, "actionstream.attention"));
      float[] mean = floats(input.get("mean"));
      float[] std = floats(input.get("std"));
      String resize = input.path("resize").asText(STRETCH);
      int shortSide = input.path("resize_short_side").asInt(0);
      ModelSpec spec = new ModelSpec(name, version, labels, input.path("frames").asInt(), input.path("height").asInt(),
          input.path("width").asInt(), input.path("fps").asDouble(), mean, std, resize, shortSide,
          attention.path("frames").asInt(), attention.path("height").asInt(), attention.path("width").asInt(),
          Double.parseDouble(metadata.getOrDefault("actionstream.gflops", "0")));
      spec.check();
      return spec;
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new ModelRefusedException(RefusalReason.BAD_METADATA, "model metadata is not usable: " + e.getMessage(), e);
    }
  }

  private void check() {
    if (labels.size() < 2) {
      throw new IllegalArgumentException("fewer than two labels");
    }
    if (frames < 1 || height < 8 || width < 8 || mapFrames < 1 || mapHeight < 1 || mapWidth < 1) {
      throw new IllegalArgumentException("input " + frames + "x" + height + "x" + width + " or attention "
          + mapFrames + "x" + mapHeight + "x" + mapWidth + " is not a clip size");
    }
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need three values each");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std must be positive");
      }
    }
    if (!resize.equals(STRETCH) && !(resize.equals(SHORT_SIDE_CENTRE_CROP) && resizeShortSide >= Math.max(height, width))) {
      throw new IllegalArgumentException("resize '" + resize + "' with short side " + resizeShortSide + " cannot give "
          + height + "x" + width);
    }
  }

  /** Whether clips prepared for {@code other} are valid input for this model. */
  public boolean sameInputAs(ModelSpec other) {
    return other != null && frames == other.frames && height == other.height && width == other.width
        && java.util.Arrays.equals(mean, other.mean) && java.util.Arrays.equals(std, other.std)
        && resize.equals(other.resize) && resizeShortSide == other.resizeShortSide;
  }

  public int mapSize() {
    return mapFrames * mapHeight * mapWidth;
  }

  /** Floats per clip in the input tensor. */
  public int clipValues() {
    return 3 * frames * height * width;
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  private static String require(Map<String, String> metadata, String key) {
    String value = metadata.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("no " + key);
    }
    return value;
  }

  private static float[] floats(JsonNode array) {
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("mean/std missing");
    }
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }
}
