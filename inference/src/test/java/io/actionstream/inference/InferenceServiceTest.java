package io.actionstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.inference.model.ModelRefusedException;
import io.actionstream.inference.model.RefusalReason;
import io.actionstream.inference.model.TinyOnnx;
import io.actionstream.schemas.v1.ActionEvent;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service on a real (embedded) broker: topics, exactly-once output, dead letters, metrics. */
class InferenceServiceTest {

  @TempDir static Path dir;
  private static EmbeddedKafkaBroker broker;
  private static Path model;
  private static List<ActionEvent> events;
  private static List<ConsumerRecord<String, byte[]>> deadLetters;
  private static String metricsPage;

  @BeforeAll
  static void runOnce() throws Exception {
    broker = EmbeddedKafkaBroker.start();
    model = Files.write(dir.resolve("tiny.onnx"), new TinyOnnx().build());
    InferenceConfig config = InferenceConfig.defaults(Map.of("bootstrap.servers", broker.bootstrapServers()), model);
    config = new InferenceConfig(config.kafka(), "svc-test", config.framesTopic(), config.eventsTopic(), config.deadLetterTopic(),
        config.releasesTopic(), model, "tiny", config.provider(), 4, Duration.ofMillis(10), 0, 2, 2, 3, false, 4096,
        Duration.ofMinutes(10), 2, dir.resolve("state"), 0);
    try (InferenceService service = InferenceService.start(config);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
            new StringSerializer(), new ByteArraySerializer())) {
      for (long s = 0; s < 8; s++) {
        producer.send(new ProducerRecord<>("frames", "gate", TestFrames.frame("gate", "s", 0, s).toByteArray()));
      }
      producer.send(new ProducerRecord<>("frames", "gate", new byte[] {9, 9, 9}));
      producer.flush();
      events = read("action-events", 2).stream().map(r -> parse(r.value())).toList();
      deadLetters = read("frames-dlq", 1);
      HttpResponse<String> page = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.metricsPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      metricsPage = page.body();
    }
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void framesOnTheBrokerBecomeCommittedEventsAndBadOnesDeadLetters() {
    assertThat(events).extracting(ActionEvent::getFirstSequenceNumber).containsExactly(0L, 4L);
    assertThat(deadLetters).singleElement().satisfies(r ->
        assertThat(new String(r.headers().lastHeader("actionstream.dlq.reason").value(), StandardCharsets.UTF_8)).isEqualTo("not_a_frame"));
  }

  @Test
  void theMetricsPageShowsTheServiceKafkaStreamsAndTheJvm() {
    assertThat(metricsPage)
        .contains("actionstream_inference_frames_consumed_total 9.0")
        .contains("actionstream_inference_frames_dlq_total{reason=\"not_a_frame\"} 1.0")
        .contains("actionstream_inference_clips_total 2.0")
        .contains("actionstream_inference_events_total{label=")
        .contains("actionstream_inference_batch_size_bucket")
        .contains("actionstream_inference_capture_to_event_seconds_count 2")
        .contains("actionstream_inference_model_info{model=\"tiny\",provider=\"cpu\",version=\"t1\"} 1.0")
        .contains("kafka_stream_thread_")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void promtoolAcceptsTheMetricsPage() throws Exception {
    String promtool = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(p -> Path.of(p, "promtool")).filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
    assumeTrue(promtool != null, "promtool is not on the PATH: install Debian's 'prometheus' package to run this check");
    Process process = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
    process.getOutputStream().write(metricsPage.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("promtool check metrics said:%n%s", output).isZero();
  }

  @Test
  void aModelThatCannotServeStopsTheStartWithTheReason() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.onnx"), "not a model");
    InferenceConfig config = InferenceConfig.defaults(Map.of("bootstrap.servers", broker.bootstrapServers()), broken);
    assertThatThrownBy(() -> InferenceService.start(config))
        .isInstanceOf(ModelRefusedException.class)
        .satisfies(e -> assertThat(((ModelRefusedException) e).reason()).isEqualTo(RefusalReason.NOT_ONNX))
        .hasMessageContaining(broken.toString());
  }

  @Test
  void aBadSettingIsNamedAtStart() {
    InferenceConfig config = InferenceConfig.defaults(Map.of("bootstrap.servers", broker.bootstrapServers()), model);
    InferenceConfig bad = new InferenceConfig(config.kafka(), config.applicationId(), "frames", "action events", "dlq", null, model,
        "tiny", config.provider(), 8, Duration.ofMillis(20), 0, 2, 1, 3, false, 4096, Duration.ofMinutes(10), 1, null, -1);
    assertThatThrownBy(bad::validate).hasMessage("events topic: 'action events' is not a valid topic name");
  }

  private static List<ConsumerRecord<String, byte[]>> read(String topic, int count) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
        "group.id", UUID.randomUUID().toString(), "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static ActionEvent parse(byte[] bytes) {
    try {
      return ActionEvent.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
