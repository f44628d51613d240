package io.actionstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.inference.InferenceConfig;
import io.actionstream.inference.InferenceService;
import io.actionstream.ingest.IngestService;
import io.actionstream.ingest.config.IngestConfigReader;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.AttentionBox;
import io.actionstream.schemas.v1.ModelRelease;
import io.actionstream.training.synth.DemoVideo;
import io.actionstream.training.synth.SynthOptions;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest and inference on the embedded broker with the shipped student, on SynthActions clips
 * generated here (unseen in training): what the events say, hot swaps, and bad releases.
 */
class InferenceEndToEndTest {

  @TempDir Path dir;
  private EmbeddedKafkaBroker broker;
  private final Path shipped = Path.of(System.getProperty("actionstream.shipped.model"));

  @BeforeEach
  void startBroker() {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterEach
  void stopBroker() {
    broker.close();
  }

  @Test
  void eventsNameTheActionAsOftenAsTheTrainingReportSaysAndTheirBoxesFindTheActor() throws Exception {
    Path video = dir.resolve("unseen.avi");
    List<String> truth = DemoVideo.write(video, SynthOptions.DEFAULTS.withSeed(2024), 100, 16).stream().map(a -> a.label()).toList();
    List<int[]> boxes = Files.readAllLines(DemoVideo.boxesFile(video)).stream()
        .map(l -> java.util.Arrays.stream(l.split(" ")).mapToInt(Integer::parseInt).toArray()).toList();

    List<ActionEvent> events;
    try (InferenceService inference = InferenceService.start(inferenceConfig(shipped));
        IngestService ingest = IngestService.start(ingestConfig(video, false, false))) {
      events = readEvents(e -> e.size() >= 100, Duration.ofMinutes(4));
    }

    assertThat(events).hasSize(100);
    int right = 0;
    int overlapping = 0;
    double iouSum = 0;
    for (ActionEvent e : events) {
      int clip = (int) (e.getFirstSequenceNumber() / 16);
      right += truth.get(clip).equals(e.getLabels(0).getLabel()) ? 1 : 0;
      double[] actor = union(boxes, clip * 16, clip * 16 + 16, 128.0);
      AttentionBox b = e.getBoxes(0);
      double iou = iou(new double[] {b.getXMin(), b.getYMin(), b.getXMax(), b.getYMax()}, actor);
      iouSum += iou;
      overlapping += iou > 0 ? 1 : 0;
    }
    double reported = reportedStudentTop1();
    double accuracy = right / 100.0;
    System.out.printf("End to end: top-1 %.2f (report: %.2f), first box overlaps the actor in %d%%, mean IoU %.3f%n",
        accuracy, reported, overlapping, iouSum / 100);
    // 100 clips: a standard error of about 4 points; allow 10
    assertThat(accuracy).isGreaterThanOrEqualTo(reported - 0.10);
    assertThat(overlapping).as("events whose first box overlaps the actor's box").isGreaterThanOrEqualTo(75);
  }

  /**
   * Cameras in the network's process, started together, end their clips at the same instant: the
   * frames that begin the next clips wait while the network works through each burst, and still
   * every clip of every camera gets its event, the same for every camera (they all play one video).
   */
  @Test
  void camerasInTheNetworksProcessHoldFramesThroughBurstsAndNoClipIsLostOrChanged() throws Exception {
    Path video = dir.resolve("burst.avi");
    DemoVideo.write(video, SynthOptions.DEFAULTS.withSeed(7), 4, 16);
    // each burst keeps the network busy for about 200 ms (6 ms of CPU per clip): past the next frame, due 125 ms on
    int cameras = 64 * Runtime.getRuntime().availableProcessors() / 2;
    List<ActionEvent> events;
    double held;
    try (InferenceService inference = InferenceService.start(inferenceConfig(shipped));
        IngestService ingest = IngestService.start(camerasInPhase(video, cameras), inference.frameDeferral())) {
      events = readEvents(e -> e.stream().map(ActionEvent::getCameraId).distinct().count() == cameras
          && e.stream().collect(Collectors.groupingBy(ActionEvent::getCameraId, Collectors.counting())).values().stream()
              .allMatch(n -> n >= 3), Duration.ofSeconds(120));
      held = ingest.registry().scrape().stream()
          .filter(snapshot -> snapshot.getMetadata().getName().equals("actionstream_ingest_frames_deferred"))
          .flatMap(snapshot -> ((CounterSnapshot) snapshot).getDataPoints().stream()).mapToDouble(p -> p.getValue()).sum();
    }

    assertThat(events.stream().map(ActionEvent::getCameraId).distinct()).hasSize(cameras);
    assertThat(held).as("frames held while the network worked through a burst").isPositive();
    assertNoClipLost(events);
    Map<Long, List<ActionEvent>> byClip = events.stream().collect(Collectors.groupingBy(ActionEvent::getFirstSequenceNumber));
    for (List<ActionEvent> same : byClip.values()) {
      assertThat(same).extracting(e -> e.getLabels(0).getLabel()).as("the clip from frame %d, every camera",
          same.get(0).getFirstSequenceNumber()).containsOnly(same.get(0).getLabels(0).getLabel());
    }
  }

  @Test
  void aReleaseTakenMidStreamChangesTheVersionOfLaterEventsAndNoClipIsLost() throws Exception {
    Path video = dir.resolve("loop.avi");
    DemoVideo.write(video, SynthOptions.DEFAULTS.withSeed(5), 6, 16);
    byte[] original = Files.readAllBytes(shipped);
    String originalVersion = BadReleases.version(original);
    byte[] renamed = BadReleases.withVersion(original, "swapped-1");
    Path swappedFile = Files.write(dir.resolve("swapped.onnx"), renamed);

    List<ActionEvent> events;
    try (InferenceService inference = InferenceService.start(inferenceConfig(shipped));
        IngestService ingest = IngestService.start(ingestConfig(video, true, true))) {
      readEvents(e -> e.size() >= 2, Duration.ofSeconds(60));
      publish(BadReleases.release(swappedFile, BadReleases.sha256(renamed), "swapped-1"));
      events = readEvents(e -> e.stream().filter(x -> x.getModel().getVersion().equals("swapped-1")).count() >= 3,
          Duration.ofSeconds(90));
    }

    List<String> versions = events.stream().map(e -> e.getModel().getVersion()).toList();
    assertThat(versions).startsWith(originalVersion).endsWith("swapped-1");
    int firstNew = versions.indexOf("swapped-1");
    assertThat(versions.subList(firstNew, versions.size())).as("once swapped, only the new version").containsOnly("swapped-1");
    assertNoClipLost(events);
  }

  @Test
  void badReleasesAreRefusedAndTheModelInServiceKeepsServing() throws Exception {
    Path video = dir.resolve("loop.avi");
    DemoVideo.write(video, SynthOptions.DEFAULTS.withSeed(6), 4, 16);
    String version = BadReleases.version(Files.readAllBytes(shipped));
    List<ModelRelease> bad = BadReleases.all(shipped, dir);
    List<ActionEvent> events;
    Map<String, Double> refused;
    try (InferenceService inference = InferenceService.start(inferenceConfig(shipped));
        IngestService ingest = IngestService.start(ingestConfig(video, true, true))) {
      readEvents(e -> e.size() >= 1, Duration.ofSeconds(60));
      for (ModelRelease release : bad) {
        publish(release);
        Thread.sleep(300);
      }
      awaitRefusals(inference, 6);
      events = readEvents(e -> e.size() >= 6, Duration.ofSeconds(90));
      refused = refusals(inference);
    }

    assertThat(refused).containsAllEntriesOf(BadReleases.EXPECTED_REFUSALS);
    assertThat(events).extracting(e -> e.getModel().getVersion()).containsOnly(version);
    assertNoClipLost(events);
  }

  // -- helpers

  private InferenceConfig inferenceConfig(Path model) {
    return InferenceConfig.builder(Map.of("bootstrap.servers", broker.bootstrapServers())).applicationId("it-" + UUID.randomUUID())
        .modelFile(model).provider(ExecutionProvider.CPU).streamThreads(2).topicPartitions(2)
        .stateDir(dir.resolve("state-" + UUID.randomUUID())).metricsPort(-1).build().validate();
  }

  private io.actionstream.ingest.config.IngestConfig ingestConfig(Path video, boolean realtime, boolean loop) {
    var tree = IngestConfigReader.emptyTree();
    tree.putObject("kafka").put("bootstrap.servers", broker.bootstrapServers());
    tree.put("metricsPort", -1);
    tree.putObject("defaults").put("fps", 8).put("realtime", realtime).put("loop", loop);
    tree.putArray("cameras").addObject().put("id", "cam").put("uri", video.toString());
    return IngestConfigReader.fromTree(tree);
  }

  /** {@code cameras} cameras playing {@code video} in real time, looped, all started at the same instant. */
  private io.actionstream.ingest.config.IngestConfig camerasInPhase(Path video, int cameras) {
    var tree = IngestConfigReader.emptyTree();
    tree.putObject("kafka").put("bootstrap.servers", broker.bootstrapServers());
    tree.put("metricsPort", -1);
    tree.putObject("defaults").put("fps", 8).put("realtime", true).put("loop", true).put("decoderThreads", 1);
    var list = tree.putArray("cameras");
    for (int i = 0; i < cameras; i++) {
      list.addObject().put("id", "cam-" + i).put("uri", video.toString());
    }
    return IngestConfigReader.fromTree(tree);
  }

  private List<ActionEvent> readEvents(java.util.function.Predicate<List<ActionEvent>> done, Duration timeout) throws Exception {
    Map<String, Object> props = Map.of("bootstrap.servers", broker.bootstrapServers(), "group.id", UUID.randomUUID().toString(),
        "auto.offset.reset", "earliest", "isolation.level", "read_committed");
    List<ActionEvent> events = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("action-events"));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(events) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          events.add(ActionEvent.parseFrom(record.value()));
        }
      }
    }
    return events;
  }

  private void publish(ModelRelease release) throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("model-releases", "student", release.toByteArray())).get();
    }
  }

  /** Every clip between the first and the last event of each session and segment run has exactly one event. */
  private static void assertNoClipLost(List<ActionEvent> events) {
    assertThat(events.stream().map(ActionEvent::getEventId)).doesNotHaveDuplicates();
    Map<String, List<Long>> starts = events.stream().collect(Collectors.groupingBy(ActionEvent::getSessionId,
        Collectors.mapping(ActionEvent::getFirstSequenceNumber, Collectors.toList())));
    for (List<Long> firsts : starts.values()) {
      List<Long> sorted = firsts.stream().sorted().toList();
      for (int i = 1; i < sorted.size(); i++) {
        assertThat(sorted.get(i) - sorted.get(i - 1)).as("clip starts %s", sorted).isEqualTo(16);
      }
    }
  }

  private static void awaitRefusals(InferenceService inference, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (refusals(inference).values().stream().mapToDouble(Double::doubleValue).sum() < count && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  private static Map<String, Double> refusals(InferenceService inference) {
    Map<String, Double> counts = new java.util.HashMap<>();
    for (var snapshot : inference.registry().scrape()) {
      if (snapshot.getMetadata().getPrometheusName().equals("actionstream_inference_model_refused")) {
        for (var point : ((CounterSnapshot) snapshot).getDataPoints()) {
          counts.put(point.getLabels().get("reason"), point.getValue());
        }
      }
    }
    return counts;
  }

  private static double reportedStudentTop1() throws Exception {
    String report = Files.readString(Path.of(System.getProperty("actionstream.shipped.report")));
    Matcher m = Pattern.compile("\\| distilled student \\| RGB \\| ([0-9.]+)%").matcher(report);
    assertThat(m.find()).as("the shipped report has the student's top-1").isTrue();
    return Double.parseDouble(m.group(1)) / 100;
  }

  private static double[] union(List<int[]> boxes, int from, int to, double size) {
    double x0 = 1;
    double y0 = 1;
    double x1 = 0;
    double y1 = 0;
    for (int t = from; t < to; t++) {
      int[] b = boxes.get(t);
      x0 = Math.min(x0, b[1] / size);
      y0 = Math.min(y0, b[2] / size);
      x1 = Math.max(x1, (b[1] + b[3]) / size);
      y1 = Math.max(y1, (b[2] + b[4]) / size);
    }
    return new double[] {x0, y0, x1, y1};
  }

  private static double iou(double[] a, double[] b) {
    double ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
    double iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
    double inter = ix * iy;
    double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
    return union <= 0 ? 0 : inter / union;
  }

}
