package io.actionstream.ingest.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.actionstream.ingest.camera.CameraUri;
import io.actionstream.model.frame.ResizeMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates the ingest configuration (YAML). Every problem is reported as a {@link
 * ConfigException} naming the setting, including settings that do not exist (usually typos).
 *
 * <p>The file format, with defaults:
 *
 * <pre>
 * kafka:                      # Kafka producer properties, passed through
 *   bootstrap.servers: localhost:9092   # required
 * topic: frames
 * topicPartitions: 4          # used only when the topic has to be created; 0: broker decides
 * metricsPort: 9401           # 0: any free port, -1: no metrics endpoint
 * defaults:                   # camera settings that apply to every camera
 *   fps: 8
 *   width: 224
 *   height: 224
 *   resize: fit               # stretch | crop | fit
 *   jpegQuality: 85
 *   loop: false               # file sources only: start again at the end
 *   realtime: true            # file sources only: publish at recorded speed, like a camera
 *   reconnect: {initialBackoff: 500ms, maxBackoff: 30s}
 *   options: {}               # FFmpeg demuxer options, e.g. rtsp_transport: tcp
 * cameras:
 *   - id: lobby               # required, unique; letters, digits, '.', '_', '-'
 *     uri: rtsp://cam1.local/stream    # required
 * </pre>
 */
public final class IngestConfigReader {

  public static final String DEFAULT_TOPIC = "frames";
  public static final int DEFAULT_TOPIC_PARTITIONS = 4;
  public static final int DEFAULT_METRICS_PORT = 9401;

  private static final Pattern CAMERA_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
  private static final Set<String> CAMERA_KEYS =
      Set.of(
          "id", "uri", "fps", "width", "height", "resize", "jpegQuality", "loop", "realtime",
          "reconnect", "options");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private IngestConfigReader() {}

  /** Reads a YAML file. */
  public static IngestConfig read(Path file) {
    return fromTree(readTree(file));
  }

  /** Parses a YAML file into a tree, for callers that add settings before validating. */
  public static ObjectNode readTree(Path file) {
    try {
      JsonNode root = YAML.readTree(Files.readString(file));
      if (root == null || root.isMissingNode() || root.isNull()) {
        return YAML.createObjectNode();
      }
      if (!root.isObject()) {
        throw new ConfigException(file.toString(), "expected a YAML mapping at the top level");
      }
      return (ObjectNode) root;
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), "configuration file does not exist");
    } catch (JsonProcessingException e) {
      throw new ConfigException(file.toString(), "not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "cannot read: " + e.getMessage(), e);
    }
  }

  /** An empty tree to fill from command-line flags. */
  public static ObjectNode emptyTree() {
    return YAML.createObjectNode();
  }

  /** Validates a configuration tree (YAML or built from flags). */
  public static IngestConfig fromTree(JsonNode root) {
    Node top = new Node(root, "");
    top.allowOnly(Set.of("kafka", "topic", "topicPartitions", "metricsPort", "defaults", "cameras"));

    Map<String, String> kafka = top.stringMap("kafka");
    if (kafka.getOrDefault("bootstrap.servers", "").isBlank()) {
      throw new ConfigException(
          "kafka.bootstrap.servers", "required: the Kafka brokers to send frames to");
    }
    String topic = top.string("topic", DEFAULT_TOPIC);
    if (!topic.matches("[A-Za-z0-9._-]{1,249}")) {
      throw new ConfigException("topic", "'" + topic + "' is not a valid Kafka topic name");
    }
    int partitions = top.integer("topicPartitions", DEFAULT_TOPIC_PARTITIONS, 0, 10_000);
    int metricsPort = top.integer("metricsPort", DEFAULT_METRICS_PORT, -1, 65_535);

    Node defaults = top.child("defaults");
    defaults.allowOnly(withoutIdentity());
    CameraSettings fallback = readSettings(defaults, CameraSettings.BUILT_IN);

    List<Node> cameraNodes = top.list("cameras");
    if (cameraNodes.isEmpty()) {
      throw new ConfigException("cameras", "at least one camera is required");
    }
    List<CameraConfig> cameras = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Node camera : cameraNodes) {
      CameraConfig config = readCamera(camera, fallback);
      if (!ids.add(config.id())) {
        throw new ConfigException(camera.path("id"), "camera id '" + config.id() + "' is used twice");
      }
      cameras.add(config);
    }
    return new IngestConfig(kafka, topic, partitions, metricsPort, cameras);
  }

  private static Set<String> withoutIdentity() {
    Set<String> keys = new HashSet<>(CAMERA_KEYS);
    keys.remove("id");
    keys.remove("uri");
    return keys;
  }

  private static CameraConfig readCamera(Node camera, CameraSettings fallback) {
    camera.allowOnly(CAMERA_KEYS);
    String id = camera.requiredString("id");
    if (!CAMERA_ID.matcher(id).matches()) {
      throw new ConfigException(
          camera.path("id"),
          "'" + id + "' is not a valid camera id; use 1-128 letters, digits, '.', '_' or '-'");
    }
    CameraUri uri;
    try {
      uri = CameraUri.parse(camera.requiredString("uri"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(camera.path("uri"), e.getMessage());
    }
    CameraSettings merged = readSettings(camera, fallback);
    if (uri.live() && camera.has("loop") && merged.loop()) {
      throw new ConfigException(
          camera.path("loop"),
          "only file sources can loop; camera '" + id + "' is a live source (" + uri + ")");
    }
    if (uri.live() && camera.has("realtime") && !merged.realtime()) {
      throw new ConfigException(
          camera.path("realtime"),
          "a live source is always real time; camera '" + id + "' is one (" + uri + ")");
    }
    // Set on defaults, loop and realtime simply do not apply to live cameras.
    return new CameraConfig(
        id,
        uri,
        new CameraSettings(
            merged.fps(),
            merged.width(),
            merged.height(),
            merged.resize(),
            merged.jpegQuality(),
            merged.loop() && !uri.live(),
            merged.realtime() || uri.live(),
            merged.backoff(),
            merged.options()));
  }

  /** Reads the camera settings present in {@code node}, taking the rest from {@code base}. */
  private static CameraSettings readSettings(Node node, CameraSettings base) {
    double fps = node.decimal("fps", base.fps(), 0.1, 240);
    int width = node.integer("width", base.width(), 16, 7680);
    int height = node.integer("height", base.height(), 16, 4320);
    if (width % 2 != 0 || height % 2 != 0) {
      throw new ConfigException(
          node.path(width % 2 != 0 ? "width" : "height"),
          "must be even (JPEG chroma subsampling), got " + width + "x" + height);
    }
    ResizeMode resize = base.resize();
    if (node.has("resize")) {
      try {
        resize = ResizeMode.parse(node.string("resize", null));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(node.path("resize"), e.getMessage());
      }
    }
    int quality = node.integer("jpegQuality", base.jpegQuality(), 1, 100);
    boolean loop = node.bool("loop", base.loop());
    boolean realtime = node.bool("realtime", base.realtime());
    Node reconnect = node.child("reconnect");
    reconnect.allowOnly(Set.of("initialBackoff", "maxBackoff"));
    Duration initial = reconnect.duration("initialBackoff", base.backoff().initial());
    Duration max = reconnect.duration("maxBackoff", base.backoff().max());
    if (max.compareTo(initial) < 0) {
      throw new ConfigException(
          reconnect.path("maxBackoff"),
          "must not be shorter than initialBackoff (" + initial.toMillis() + " ms)");
    }
    Map<String, String> options = new LinkedHashMap<>(base.options());
    options.putAll(node.stringMap("options"));
    return new CameraSettings(
        fps, width, height, resize, quality, loop, realtime, new Backoff(initial, max), options);
  }

  /** A mapping in the tree and its path, with typed, range-checked accessors. */
  private static final class Node {
    private final JsonNode node;
    private final String path;

    Node(JsonNode node, String path) {
      this.node = node == null || node.isNull() ? YAML.createObjectNode() : node;
      this.path = path;
      if (!this.node.isObject()) {
        throw new ConfigException(path.isEmpty() ? "(top level)" : path, "expected a mapping");
      }
    }

    String path(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
      return node.has(key) && !node.get(key).isNull();
    }

    void allowOnly(Set<String> keys) {
      for (var names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!keys.contains(name)) {
          throw new ConfigException(
              path(name), "unknown setting; known settings here are " + keys.stream().sorted().toList());
        }
      }
    }

    Node child(String key) {
      return new Node(node.get(key), path(key));
    }

    List<Node> list(String key) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return List.of();
      }
      if (!value.isArray()) {
        throw new ConfigException(path(key), "expected a list");
      }
      List<Node> items = new ArrayList<>();
      for (int i = 0; i < value.size(); i++) {
        items.add(new Node(value.get(i), path(key) + "[" + i + "]"));
      }
      return items;
    }

    String requiredString(String key) {
      String value = string(key, null);
      if (value == null || value.isBlank()) {
        throw new ConfigException(path(key), "required");
      }
      return value;
    }

    String string(String key, String fallback) {
      if (!has(key)) {
        return fallback;
      }
      JsonNode value = node.get(key);
      if (!value.isValueNode()) {
        throw new ConfigException(path(key), "expected a single value");
      }
      return value.asText();
    }

    int integer(String key, int fallback, int min, int max) {
      if (!has(key)) {
        return fallback;
      }
      JsonNode value = node.get(key);
      boolean integral = value.isIntegralNumber() && value.canConvertToInt();
      if (!integral && !isIntegerText(value)) {
        throw new ConfigException(path(key), "expected a whole number, got '" + value.asText() + "'");
      }
      int result = integral ? value.intValue() : Integer.parseInt(value.asText().trim());
      if (result < min || result > max) {
        throw new ConfigException(
            path(key), "must be between " + min + " and " + max + ", got " + result);
      }
      return result;
    }

    double decimal(String key, double fallback, double min, double max) {
      if (!has(key)) {
        return fallback;
      }
      JsonNode value = node.get(key);
      double result;
      if (value.isNumber()) {
        result = value.doubleValue();
      } else {
        try {
          result = Double.parseDouble(value.asText().trim());
        } catch (NumberFormatException e) {
          throw new ConfigException(path(key), "expected a number, got '" + value.asText() + "'");
        }
      }
      if (!(result >= min && result <= max)) {
        throw new ConfigException(
            path(key), "must be between " + plain(min) + " and " + plain(max) + ", got " + plain(result));
      }
      return result;
    }

    boolean bool(String key, boolean fallback) {
      if (!has(key)) {
        return fallback;
      }
      JsonNode value = node.get(key);
      if (value.isBoolean()) {
        return value.booleanValue();
      }
      String text = value.asText().trim();
      if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(text);
      }
      throw new ConfigException(path(key), "expected true or false, got '" + text + "'");
    }

    Duration duration(String key, Duration fallback) {
      if (!has(key)) {
        return fallback;
      }
      String text = node.get(key).asText().trim();
      Matcher m = DURATION.matcher(text);
      if (!m.matches()) {
        throw new ConfigException(
            path(key), "expected a duration such as 500ms, 2s, 1m or 1h, got '" + text + "'");
      }
      long amount = Long.parseLong(m.group(1));
      Duration result =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
          };
      if (result.isZero()) {
        throw new ConfigException(path(key), "must be longer than zero");
      }
      return result;
    }

    Map<String, String> stringMap(String key) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return Map.of();
      }
      if (!value.isObject()) {
        throw new ConfigException(path(key), "expected a mapping of names to values");
      }
      Map<String, String> result = new LinkedHashMap<>();
      for (var fields = value.fields(); fields.hasNext(); ) {
        var field = fields.next();
        if (!field.getValue().isValueNode()) {
          throw new ConfigException(path(key) + "." + field.getKey(), "expected a single value");
        }
        result.put(field.getKey(), field.getValue().asText());
      }
      return result;
    }

    /** 240.0 as "240", 0.1 as "0.1". */
    private static String plain(double value) {
      return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static boolean isIntegerText(JsonNode value) {
      return value.isTextual() && value.asText().trim().matches("-?\\d{1,9}");
    }
  }
}
