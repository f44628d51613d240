package io.actionstream.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.ingest.CameraStatus;
import io.actionstream.ingest.IngestService;
import io.actionstream.ingest.config.ConfigException;
import io.actionstream.ingest.config.IngestConfig;
import io.actionstream.ingest.config.IngestConfigReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code actionstream ingest}: reads cameras and publishes their frames to Kafka. Cameras come
 * from a YAML file, from {@code --camera} flags, or both; flags that set camera settings set the
 * defaults of every camera.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Read cameras (files, RTSP/HTTP/UDP streams, V4L2 devices), sample, resize and encode (JPEG or raw) "
          + "their frames, and publish them to a Kafka topic keyed by camera id.",
      "",
      "Runs until every file source has ended, or until Ctrl-C when a source is live or loops."
    },
    footer = {
      "",
      "Examples:",
      "  actionstream ingest --embedded-broker --loop \\",
      "      --camera demo=samples/street.mp4",
      "  actionstream ingest -b kafka:9092 --fps 8 \\",
      "      --camera lobby=rtsp://cam1.local/stream",
      "  actionstream ingest --config cameras.yaml -X security.protocol=SSL",
      "",
      "The configuration file format is described in the README (section 'Ingest configuration')."
    })
final class IngestCommand implements Callable<Integer>, ErrorReporter.SettingNames {

  private static final Logger log = LoggerFactory.getLogger(IngestCommand.class);

  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file.")
  Path configFile;

  @Option(
      names = "--camera",
      paramLabel = "ID=URI",
      description = "A camera to read; repeatable. URI: a file, rtsp://, http(s)://, udp://, ..., or /dev/videoN.")
  List<String> cameras = List.of();

  @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOSTS", description = "Kafka brokers, e.g. kafka:9092.")
  String bootstrapServers;

  @Option(
      names = "--embedded-broker",
      description = "Start an in-process Kafka broker and publish to it (for trying things out).")
  boolean embeddedBroker;

  @Option(
      names = {"-X", "--kafka-property"},
      paramLabel = "KEY=VALUE",
      description = "Kafka producer property, e.g. security.protocol=SSL; repeatable.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(names = "--topic", paramLabel = "NAME", description = "Frames topic (default: frames).")
  String topic;

  @Option(names = "--fps", paramLabel = "FPS", description = "Target frame rate of every camera (default: 8).")
  Double fps;

  @Option(names = "--size", paramLabel = "WxH", description = "Frame size, e.g. 128x128 (default: the shipped student's, 128x128).")
  String size;

  @Option(names = "--resize", paramLabel = "MODE", description = "crop (centre, default), fit (letterbox) or stretch.")
  String resize;

  @Option(names = "--encoding", paramLabel = "FORMAT",
      description = "jpeg (default); raw: BGR24 pixels, no JPEG encode here nor decode in the inference, about 8x the bytes "
          + "on the broker; or i420: planar YUV 4:2:0, half raw's bytes for a colour conversion on each side. Use a student "
          + "trained on the same (train --frame-encoding).")
  String encoding;

  @Option(names = "--jpeg-quality", paramLabel = "Q", description = "JPEG quality 1-100 (default: 85).")
  Integer jpegQuality;

  @Option(names = "--decoder-threads", paramLabel = "N",
      description = "Video decoder threads per camera, 0-64; 0: FFmpeg chooses, about one per core (default); 1 spends less CPU "
          + "with many small cameras on few cores.")
  Integer decoderThreads;

  @Option(names = "--loop", description = "Start file sources again at their end.")
  Boolean loop;

  @Option(
      names = "--no-realtime",
      description = "Read file sources as fast as possible instead of at their recorded speed.")
  boolean noRealtime;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT[-LAST]",
      description = "Metrics (/metrics) and probes (/health/live, /health/ready) (default: 9401); a range such as 9401-9408"
          + " takes its first free port; 0: any free port; -1: off.")
  String metricsPort;

  @Option(
      names = "--stagger",
      paramLabel = "DURATION",
      description = "Spread the cameras' starts evenly over this time, so that their clips do not all end at the same "
          + "instant, e.g. 2s (a clip of the shipped student); 0s: all start at once (default: 0s).")
  String stagger;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      description = "Stop after this long, e.g. 30s or 2m (default: run until done or Ctrl-C).",
      converter = DurationConverter.class)
  Duration duration;

  @Option(
      names = "--report-every",
      paramLabel = "DURATION",
      defaultValue = "5s",
      description = "How often to log each camera's progress (default: 5s).",
      converter = DurationConverter.class)
  Duration reportEvery;

  /** Configuration settings that flags of this command fill in, for error messages. */
  private static final Map<String, String> FLAG_FOR_SETTING =
      Map.ofEntries(
          Map.entry("defaults.fps", "--fps"),
          Map.entry("defaults.width", "--size"),
          Map.entry("defaults.height", "--size"),
          Map.entry("defaults.resize", "--resize"),
          Map.entry("defaults.encoding", "--encoding"),
          Map.entry("defaults.jpegQuality", "--jpeg-quality"),
          Map.entry("defaults.decoderThreads", "--decoder-threads"),
          Map.entry("topic", "--topic"),
          Map.entry("metricsPort", "--metrics-port"),
          Map.entry("stagger", "--stagger"),
          Map.entry("kafka.bootstrap.servers", "--bootstrap-servers"));

  @Override
  public Integer call() throws Exception {
    if (configFile == null && cameras.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "Name at least one camera with --camera ID=URI, or a --config file");
    }
    if (embeddedBroker && bootstrapServers != null) {
      throw new ParameterException(spec.commandLine(), "Use either --embedded-broker or --bootstrap-servers, not both");
    }
    ObjectNode tree = configFile != null ? IngestConfigReader.readTree(configFile) : IngestConfigReader.emptyTree();
    applyFlags(tree);
    if (!embeddedBroker) {
      return run(IngestConfigReader.fromTree(tree));
    }
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      tree.withObjectProperty("kafka").put("bootstrap.servers", broker.bootstrapServers());
      spec.commandLine().getOut().println("bootstrap.servers=" + broker.bootstrapServers());
      spec.commandLine().getOut().flush();
      return run(IngestConfigReader.fromTree(tree));
    }
  }

  private int run(IngestConfig config) throws Exception {
    try (StopSignal stop = new StopSignal(); IngestService service = IngestService.start(config)) {
      long deadline = duration != null ? System.nanoTime() + duration.toNanos() : Long.MAX_VALUE;
      Map<String, Long> previous = new HashMap<>();
      long lastReport = System.nanoTime();
      while (true) {
        Duration wait = Duration.ofNanos(Math.min(reportEvery.toNanos(), Math.max(0, deadline - System.nanoTime())));
        if (stop.await(wait)) {
          log.info("Stopping on request");
          break;
        }
        List<CameraStatus> status = service.status();
        long now = System.nanoTime();
        report(status, previous, (now - lastReport) / 1e9);
        lastReport = now;
        if (status.stream().allMatch(CameraStatus::finished)) {
          service.awaitCompletion(Duration.ofSeconds(30));
          log.info("All cameras finished");
          break;
        }
        if (System.nanoTime() >= deadline) {
          log.info("Stopping after {}", duration);
          break;
        }
      }
    }
    return 0;
  }

  private void report(List<CameraStatus> status, Map<String, Long> previous, double seconds) {
    for (CameraStatus camera : status) {
      long before = previous.getOrDefault(camera.cameraId(), 0L);
      previous.put(camera.cameraId(), camera.framesPublished());
      log.info(
          "camera {}: {} frames published ({} /s), {}",
          camera.cameraId(),
          camera.framesPublished(),
          String.format("%.1f", (camera.framesPublished() - before) / seconds),
          camera.finished() ? "finished" : camera.up() ? "up" : "DOWN, reconnecting");
    }
  }

  private void applyFlags(ObjectNode tree) {
    ObjectNode kafka = tree.withObjectProperty("kafka");
    kafkaProperties.forEach(kafka::put);
    if (bootstrapServers != null) {
      kafka.put("bootstrap.servers", bootstrapServers);
    }
    if (topic != null) {
      tree.put("topic", topic);
    }
    if (metricsPort != null) {
      tree.put("metricsPort", metricsPort);
    }
    if (stagger != null) {
      tree.put("stagger", stagger);
    }
    ObjectNode defaults = tree.withObjectProperty("defaults");
    if (fps != null) {
      defaults.put("fps", fps);
    }
    if (size != null) {
      FrameSize frame = FrameSize.parse(size).orElseThrow(
          () -> new ParameterException(spec.commandLine(), "--size: expected WIDTHxHEIGHT such as 128x128, got '" + size + "'"));
      defaults.put("width", frame.width());
      defaults.put("height", frame.height());
    }
    if (resize != null) {
      defaults.put("resize", resize);
    }
    if (encoding != null) {
      defaults.put("encoding", encoding);
    }
    if (jpegQuality != null) {
      defaults.put("jpegQuality", jpegQuality);
    }
    if (decoderThreads != null) {
      defaults.put("decoderThreads", decoderThreads);
    }
    if (loop != null) {
      defaults.put("loop", loop);
    }
    if (noRealtime) {
      defaults.put("realtime", false);
    }
    ArrayNode cameraList = tree.withArrayProperty("cameras");
    for (String camera : cameras) {
      int equals = camera.indexOf('=');
      if (equals <= 0 || equals == camera.length() - 1) {
        throw new ParameterException(spec.commandLine(), "--camera: expected ID=URI such as lobby=rtsp://cam1/stream, got '" + camera + "'");
      }
      cameraList.addObject().put("id", camera.substring(0, equals)).put("uri", camera.substring(equals + 1));
    }
  }

  @Override
  public String describe(ConfigException e) {
    String flag = FLAG_FOR_SETTING.get(e.setting());
    if (flag != null && configFile == null) {
      return e.getMessage().replaceFirst("^" + java.util.regex.Pattern.quote(e.setting()), flag);
    }
    return e.getMessage()
        .replaceFirst("^cameras\\[(\\d+)\\]", configFile == null ? "--camera #$1" : "cameras[$1]");
  }
}
