package io.actionstream.ingest.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.actionstream.ingest.camera.CameraUri;
import io.actionstream.ingest.config.IngestFile.CameraFields;
import io.actionstream.model.frame.ImageFormat;
import io.actionstream.model.frame.ResizeMode;
import io.actionstream.ops.PortRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads and validates the ingest configuration (YAML). Jackson binds the file to {@link
 * IngestFile} records (an unknown setting or a value of the wrong type fails there, with its
 * path); this class then applies the defaults and checks the values. Every problem is reported
 * as a {@link ConfigException} naming the setting, including settings that do not exist
 * (usually typos).
 *
 * <p>The file format, with defaults:
 *
 * <pre>
 * kafka:                      # Kafka producer properties, passed through
 *   bootstrap.servers: localhost:9092   # required
 * topic: frames
 * topicPartitions: 4          # used only when the topic has to be created; 0: broker decides
 * metricsPort: 9401           # metrics and probes; a range such as 9401-9408 takes the first free
 *                             # port (several instances on one host); 0: any free port, -1: none
 * stagger: 0s                 # spread the cameras' starts evenly over this time, so that their
 *                             # clips do not all end at the same instant (a clip's length, e.g. 2s
 *                             # for 16 frames at 8 fps, spreads them fully); 0s: all start at once
 * defaults:                   # camera settings that apply to every camera
 *   fps: 8
 *   width: 128                # the shipped student's geometry: its resize's short side, square
 *   height: 128
 *   resize: crop              # stretch | crop | fit
 *   encoding: jpeg            # jpeg | raw | i420 (raw: BGR24, no JPEG encode here nor decode
 *                             # in the inference, about 8x the bytes on the broker; i420: planar
 *                             # YUV 4:2:0, half raw's bytes for a colour conversion on each side)
 *   jpegQuality: 85
 *   loop: false               # file sources only: start again at the end
 *   realtime: true            # file sources only: publish at recorded speed, like a camera
 *   reconnect: {initialBackoff: 500ms, maxBackoff: 30s}
 *   decoderThreads: 0         # video decoder threads, 0-64; 0: FFmpeg chooses (one per core
 *                             # and more); 1 suits many small cameras on few cores
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

  /** A longer stagger would only hold cameras back: clips are seconds long. */
  private static final Duration MAX_STAGGER = Duration.ofMinutes(1);

  private static final Pattern CAMERA_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

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
    IngestFile file = bind(root);
    Map<String, String> kafka = file.kafka() != null ? file.kafka() : Map.of();
    if (kafka.getOrDefault("bootstrap.servers", "").isBlank()) {
      throw new ConfigException(
          "kafka.bootstrap.servers", "required: the Kafka brokers to send frames to");
    }
    String topic = Objects.requireNonNullElse(file.topic(), DEFAULT_TOPIC);
    if (!topic.matches("[A-Za-z0-9._-]{1,249}")) {
      throw new ConfigException("topic", "'" + topic + "' is not a valid Kafka topic name");
    }
    int partitions = range("topicPartitions", file.topicPartitions(), DEFAULT_TOPIC_PARTITIONS, 0, 10_000);
    PortRange metricsPorts = metricsPorts(file.metricsPort());
    Duration stagger = file.stagger() != null ? file.stagger() : Duration.ZERO;
    if (stagger.isNegative() || stagger.compareTo(MAX_STAGGER) > 0) {
      throw new ConfigException("stagger", "must be between 0s and " + MAX_STAGGER.toMinutes() + "m, got " + stagger.toMillis() + "ms");
    }

    CameraFields defaults = file.defaults();
    if (defaults != null && (defaults.id() != null || defaults.uri() != null)) {
      throw new ConfigException(defaults.id() != null ? "defaults.id" : "defaults.uri",
          "unknown setting; known settings here are " + settingsOf(CameraFields.class, Set.of("id", "uri")));
    }
    CameraSettings fallback = readSettings("defaults", defaults, CameraSettings.BUILT_IN);

    List<CameraFields> cameraFields = file.cameras() != null ? file.cameras() : List.of();
    if (cameraFields.isEmpty()) {
      throw new ConfigException("cameras", "at least one camera is required");
    }
    List<CameraConfig> cameras = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < cameraFields.size(); i++) {
      String path = "cameras[" + i + "]";
      CameraConfig config = readCamera(path, cameraFields.get(i), fallback);
      if (!ids.add(config.id())) {
        throw new ConfigException(path + ".id", "camera id '" + config.id() + "' is used twice");
      }
      cameras.add(config);
    }
    checkRawFramesFit(kafka, cameras);
    return new IngestConfig(kafka, topic, partitions, metricsPorts, stagger, cameras);
  }

  /** Room in a record batch for the frame's other fields, the record and the batch's header. */
  private static final long RECORD_OVERHEAD_BYTES = 4096;

  /** The broker's default largest record batch ({@code message.max.bytes}), which one frame has to fit in. */
  private static final long BROKER_DEFAULT_MESSAGE_BYTES = 1_048_576;

  /**
   * An uncompressed frame is width x height x 3 bytes (raw) or x 1.5 (i420) in one record, which
   * the broker refuses above its {@code message.max.bytes} (1 MiB unless raised): refused here, at start-up, rather than as
   * every frame failing to send. Where the user set {@code kafka.max.request.size} (having raised
   * the broker's limit, or lowered their own), that is the limit instead.
   */
  private static void checkRawFramesFit(Map<String, String> kafka, List<CameraConfig> cameras) {
    String configured = kafka.get("max.request.size");
    long limit;
    try {
      limit = configured != null ? Long.parseLong(configured.trim()) : BROKER_DEFAULT_MESSAGE_BYTES;
    } catch (NumberFormatException e) {
      throw new ConfigException("kafka.max.request.size", "'" + configured + "' is not a number of bytes");
    }
    String against = configured != null ? String.format(Locale.ROOT, "the Kafka producer's max.request.size (%d KiB)", limit / 1024)
        : String.format(Locale.ROOT, "a Kafka broker's default message.max.bytes (%d KiB)", BROKER_DEFAULT_MESSAGE_BYTES / 1024);
    for (int i = 0; i < cameras.size(); i++) {
      CameraSettings settings = cameras.get(i).settings();
      if (!settings.encoding().uncompressed()) {
        continue;
      }
      long frameBytes = settings.encoding().pixelBytes(settings.width(), settings.height());
      if (frameBytes + RECORD_OVERHEAD_BYTES > limit) {
        throw new ConfigException("cameras[" + i + "].encoding", String.format(Locale.ROOT,
            "%s %dx%d frames are %d KiB a record, more than %s allows; use jpeg, a smaller frame size, or raise the "
                + "broker's message.max.bytes and set kafka.max.request.size to match",
            settings.encoding().configName(), settings.width(), settings.height(), frameBytes / 1024, against));
      }
    }
  }

  /** Binds the tree to the file's records; what does not fit is reported with its path. */
  private static IngestFile bind(JsonNode root) {
    try {
      return YAML.treeToValue(root == null || root.isNull() ? YAML.createObjectNode() : root, IngestFile.class);
    } catch (UnrecognizedPropertyException e) {
      Collection<Object> known = e.getKnownPropertyIds();
      throw new ConfigException(path(e), "unknown setting; known settings here are "
          + (known == null ? List.of() : new TreeSet<>(known.stream().map(String::valueOf).toList())));
    } catch (InvalidFormatException e) {
      throw new ConfigException(path(e), expected(e.getTargetType()) + ", got '" + e.getValue() + "'");
    } catch (MismatchedInputException e) {
      throw new ConfigException(path(e), expected(e.getTargetType()) + got(e));
    } catch (JsonMappingException e) {
      // a value our own deserializers refused (durations): their message says what is expected
      throw new ConfigException(path(e), e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new ConfigException(path(e), e.getOriginalMessage());
    }
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "unexpected value";
    }
    if (type == Integer.class || type == int.class) {
      return "expected a whole number";
    }
    if (type == Double.class || type == double.class) {
      return "expected a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "expected true or false";
    }
    if (List.class.isAssignableFrom(type)) {
      return "expected a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "expected a mapping";
    }
    return "expected a single value";
  }

  private static String got(MismatchedInputException e) {
    try {
      var parser = e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser p ? p : null;
      String text = parser != null && parser.currentToken() != null && parser.currentToken().isScalarValue() ? parser.getText() : null;
      return text != null ? ", got '" + text + "'" : "";
    } catch (IOException ignored) {
      return "";
    }
  }

  /** "cameras[0].reconnect.initialBackoff" from Jackson's reference chain. */
  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "(top level)" : path.toString();
  }

  private static String path(JsonProcessingException e) {
    return e instanceof JsonMappingException mapping ? path(mapping) : "(top level)";
  }

  private static List<String> settingsOf(Class<? extends Record> type, Set<String> without) {
    List<String> names = new ArrayList<>();
    for (var component : type.getRecordComponents()) {
      if (!without.contains(component.getName())) {
        names.add(component.getName());
      }
    }
    return names.stream().sorted().toList();
  }

  private static CameraConfig readCamera(String path, CameraFields camera, CameraSettings fallback) {
    if (camera == null) {
      throw new ConfigException(path, "expected a mapping");
    }
    String id = camera.id();
    if (id == null || id.isBlank()) {
      throw new ConfigException(path + ".id", "required");
    }
    if (!CAMERA_ID.matcher(id).matches()) {
      throw new ConfigException(
          path + ".id",
          "'" + id + "' is not a valid camera id; use 1-128 letters, digits, '.', '_' or '-'");
    }
    if (camera.uri() == null || camera.uri().isBlank()) {
      throw new ConfigException(path + ".uri", "required");
    }
    CameraUri uri;
    try {
      uri = CameraUri.parse(camera.uri());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path + ".uri", e.getMessage());
    }
    CameraSettings merged = readSettings(path, camera, fallback);
    if (uri.live() && camera.loop() != null && merged.loop()) {
      throw new ConfigException(
          path + ".loop",
          "only file sources can loop; camera '" + id + "' is a live source (" + uri + ")");
    }
    if (uri.live() && camera.realtime() != null && !merged.realtime()) {
      throw new ConfigException(
          path + ".realtime",
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
            merged.encoding(),
            merged.jpegQuality(),
            merged.loop() && !uri.live(),
            merged.realtime() || uri.live(),
            merged.backoff(),
            merged.decoderThreads(),
            merged.options()));
  }

  /** The settings {@code fields} gives (at {@code path}), the rest taken from {@code base}. */
  private static CameraSettings readSettings(String path, CameraFields fields, CameraSettings base) {
    if (fields == null) {
      return base;
    }
    double fps = fields.fps() != null ? fields.fps() : base.fps();
    if (!(fps >= 0.1 && fps <= 240)) {
      throw new ConfigException(path + ".fps", "must be between 0.1 and 240, got " + plain(fps));
    }
    int width = range(path + ".width", fields.width(), base.width(), 16, 7680);
    int height = range(path + ".height", fields.height(), base.height(), 16, 4320);
    if (width % 2 != 0 || height % 2 != 0) {
      throw new ConfigException(
          path + (width % 2 != 0 ? ".width" : ".height"),
          "must be even (JPEG chroma subsampling), got " + width + "x" + height);
    }
    ResizeMode resize = base.resize();
    if (fields.resize() != null) {
      try {
        resize = ResizeMode.parse(fields.resize());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(path + ".resize", e.getMessage());
      }
    }
    ImageFormat encoding = base.encoding();
    if (fields.encoding() != null) {
      try {
        encoding = ImageFormat.parse(fields.encoding());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(path + ".encoding", e.getMessage());
      }
    }
    int quality = range(path + ".jpegQuality", fields.jpegQuality(), base.jpegQuality(), 1, 100);
    boolean loop = fields.loop() != null ? fields.loop() : base.loop();
    boolean realtime = fields.realtime() != null ? fields.realtime() : base.realtime();
    IngestFile.Reconnect reconnect = fields.reconnect();
    Duration initial = reconnect != null && reconnect.initialBackoff() != null ? positive(path + ".reconnect.initialBackoff",
        reconnect.initialBackoff()) : base.backoff().initial();
    Duration max = reconnect != null && reconnect.maxBackoff() != null ? positive(path + ".reconnect.maxBackoff",
        reconnect.maxBackoff()) : base.backoff().max();
    if (max.compareTo(initial) < 0) {
      throw new ConfigException(
          path + ".reconnect.maxBackoff",
          "must not be shorter than initialBackoff (" + initial.toMillis() + " ms)");
    }
    int decoderThreads = range(path + ".decoderThreads", fields.decoderThreads(), base.decoderThreads(), 0, 64);
    Map<String, String> options = new LinkedHashMap<>(base.options());
    if (fields.options() != null) {
      options.putAll(fields.options());
    }
    return new CameraSettings(
        fps, width, height, resize, encoding, quality, loop, realtime, new Backoff(initial, max), decoderThreads, options);
  }

  private static Duration positive(String path, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new ConfigException(path, "must be longer than zero");
    }
    return value;
  }

  private static PortRange metricsPorts(String value) {
    if (value == null) {
      return PortRange.of(DEFAULT_METRICS_PORT);
    }
    try {
      return PortRange.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("metricsPort", e.getMessage());
    }
  }

  private static int range(String path, Integer value, int fallback, int min, int max) {
    int result = value != null ? value : fallback;
    if (result < min || result > max) {
      throw new ConfigException(path, "must be between " + min + " and " + max + ", got " + result);
    }
    return result;
  }

  /** 240.0 as "240", 0.1 as "0.1". */
  private static String plain(double value) {
    return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
