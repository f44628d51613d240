package io.actionstream.cli;

import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.inference.InferenceConfig;
import io.actionstream.inference.InferenceService;
import io.actionstream.viewer.ViewerConfig;
import io.actionstream.viewer.ViewerService;
import io.actionstream.ingest.IngestService;
import io.actionstream.ingest.config.IngestConfigReader;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.AttentionBox;
import io.actionstream.schemas.v1.LabelScore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code actionstream demo}: the whole system in one process, on an embedded broker. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Start an embedded Kafka broker, the inference service with the shipped student, and the ingest of the "
          + "bundled SynthActions video as a looping camera; print one line per action event (with the true "
          + "class, from the video's labels) and the metrics URLs. Runs until Ctrl-C or --duration."
    })
final class DemoCommand implements Callable<Integer> {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  @Spec CommandSpec spec;

  @Option(names = "--video", paramLabel = "FILE", description = "Video to play as camera(s) (default: samples/synthactions-demo.avi).")
  Path video;

  @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "Student (default: models/student/student.onnx).")
  Path model;

  @Option(names = "--cameras", defaultValue = "1", description = "Cameras playing the video (default: ${DEFAULT-VALUE}).")
  int cameras;

  @Option(names = "--provider", defaultValue = "auto", description = "auto, cuda or cpu (default: ${DEFAULT-VALUE}).")
  String provider;

  @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "DURATION", description = "Stop after this long.")
  Duration duration;

  @Option(names = "--ingest-metrics-port", defaultValue = "9401", description = "Ingest metrics port (default: ${DEFAULT-VALUE}).")
  int ingestMetricsPort;

  @Option(names = "--inference-metrics-port", defaultValue = "9402", description = "Inference metrics port (default: ${DEFAULT-VALUE}).")
  int inferenceMetricsPort;

  @Option(names = "--viewer-port", defaultValue = "9403",
      description = "Port of the live page on loopback; 0: any free port, -1: no viewer (default: ${DEFAULT-VALUE}).")
  int viewerPort;

  @Override
  public Integer call() throws Exception {
    Path videoFile = video != null ? video : ProjectHome.resolve("samples/synthactions-demo.avi");
    Path modelFile = model != null ? model : ProjectHome.resolve("models/student/student.onnx");
    for (Path file : List.of(videoFile, modelFile)) {
      if (!Files.isRegularFile(file)) {
        throw new ParameterException(spec.commandLine(), file + " does not exist");
      }
    }
    if (cameras < 1 || cameras > 64) {
      throw new ParameterException(spec.commandLine(), "--cameras must be between 1 and 64");
    }
    List<String> truth = truth(videoFile);
    PrintWriter out = spec.commandLine().getOut();
    try (StopSignal stop = new StopSignal(); EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      Map<String, String> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
      InferenceConfig inferenceConfig = InferenceConfig.builder(kafka).applicationId("actionstream-demo").modelFile(modelFile)
          .provider(ExecutionProvider.parse(provider)).metricsPort(inferenceMetricsPort).build().validate();
      try (InferenceService inference = InferenceService.start(inferenceConfig);
          IngestService ingest = IngestService.start(IngestConfigReader.fromTree(ingestTree(broker, videoFile)), inference.frameDeferral());
          ViewerService viewer = viewerPort < 0 ? null : ViewerService.start(ViewerConfig.defaults(kafka).withPort(viewerPort));
          KafkaConsumer<String, byte[]> consumer = eventConsumer(broker)) {
        if (viewer != null) {
          out.printf("Live page: http://localhost:%d/ (frames, attention heat maps, boxes and labels)%n", viewer.port());
        }
        out.printf("Kafka at %s; metrics at http://localhost:%d/metrics (ingest) and http://localhost:%d/metrics (inference)%n",
            broker.bootstrapServers(), ingest.metricsPort(), inference.metricsPort());
        out.printf("Watching %d camera(s) play %s with %s %s; one line per 2-second clip. Ctrl-C to stop.%n",
            cameras, videoFile.getFileName(), inference.model().spec().name(), inference.model().spec().version());
        out.flush();
        long deadline = duration != null ? System.nanoTime() + duration.toNanos() : Long.MAX_VALUE;
        int right = 0;
        int total = 0;
        while (!stop.requested() && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            ActionEvent event = ActionEvent.parseFrom(record.value());
            String expected = truth.isEmpty() ? null
                : truth.get((int) ((event.getFirstSequenceNumber() / 16) % truth.size()));
            if (expected != null) {
              total++;
              right += expected.equals(event.getLabels(0).getLabel()) ? 1 : 0;
            }
            out.println(line(event, expected, right, total));
            out.flush();
          }
        }
      }
    }
    return 0;
  }

  private com.fasterxml.jackson.databind.node.ObjectNode ingestTree(EmbeddedKafkaBroker broker, Path videoFile) {
    var tree = IngestConfigReader.emptyTree();
    tree.putObject("kafka").put("bootstrap.servers", broker.bootstrapServers());
    tree.put("metricsPort", ingestMetricsPort);
    tree.putObject("defaults").put("fps", 8).put("loop", true);
    var list = tree.putArray("cameras");
    for (int i = 1; i <= cameras; i++) {
      list.addObject().put("id", cameras == 1 ? "demo" : "demo-" + i).put("uri", videoFile.toAbsolutePath().toString());
    }
    return tree;
  }

  private static KafkaConsumer<String, byte[]> eventConsumer(EmbeddedKafkaBroker broker) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of("action-events"));
    return consumer;
  }

  /** The true classes of the video's 16-frame clips, from its labels file (empty without one). */
  private static List<String> truth(Path video) throws java.io.IOException {
    String name = video.getFileName().toString();
    Path labels = video.resolveSibling((name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name) + ".labels.txt");
    List<String> classes = new ArrayList<>();
    if (Files.isRegularFile(labels)) {
      for (String line : Files.readAllLines(labels)) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length == 2) {
          classes.add(parts[1]);
        }
      }
    }
    return classes;
  }

  static String line(ActionEvent event, String expected, int right, int total) {
    StringBuilder text = new StringBuilder();
    text.append(TIME.format(Instant.ofEpochMilli(event.getEndTimeUs() / 1000))).append("  ")
        .append(String.format(Locale.ROOT, "%-8s frames %5d-%-5d ", event.getCameraId(), event.getFirstSequenceNumber(),
            event.getLastSequenceNumber()));
    List<String> labels = new ArrayList<>();
    for (LabelScore label : event.getLabelsList()) {
      labels.add(String.format(Locale.ROOT, "%s %.2f", label.getLabel(), label.getScore()));
    }
    text.append(String.format(Locale.ROOT, "%-52s", String.join(", ", labels)));
    if (event.getBoxesCount() > 0) {
      AttentionBox b = event.getBoxes(0);
      text.append(String.format(Locale.ROOT, " box (%.2f,%.2f)-(%.2f,%.2f) %2.0f%%", b.getXMin(), b.getYMin(), b.getXMax(),
          b.getYMax(), 100 * b.getMass()));
    }
    text.append(String.format(Locale.ROOT, "  %.0f ms, %.0f ms after capture", event.getTimings().getInferenceMs(),
        event.getTimings().getCaptureToEventMs()));
    if (expected != null) {
      text.append(String.format(Locale.ROOT, "  true: %s %s (%d/%d right)", expected,
          expected.equals(event.getLabels(0).getLabel()) ? "ok" : "MISSED", right, total));
    }
    return text.toString();
  }
}
