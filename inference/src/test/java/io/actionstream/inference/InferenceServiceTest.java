package io.actionstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.model.ModelRefusedException;
import io.actionstream.model.RefusalReason;
import io.actionstream.model.runtime.TinyOnnx;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
  private static String liveness;
  private static String readiness;

  @BeforeAll
  static void runOnce() throws Exception {
    broker = EmbeddedKafkaBroker.start();
    model = Files.write(dir.resolve("tiny.onnx"), new TinyOnnx().build());
    InferenceConfig config = InferenceConfig.builder(Map.of("bootstrap.servers", broker.bootstrapServers())).applicationId("svc-test")
        .modelFile(model).modelName("tiny").maxBatch(4).maxWait(Duration.ofMillis(10)).streamThreads(2).topicPartitions(2)
        .stateDir(dir.resolve("state")).metricsPort(0).build();
    try (InferenceService service = InferenceService.start(config);
        KafkaProducer<String, byte[]> producer = producer()) {
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
      liveness = probe(service, "/health/live");
      readiness = probe(service, "/health/ready");
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
  void probesSayLiveAndReadyWhileStreamsRunsWithAModel() {
    assertThat(liveness).isEqualTo("200 ok\n");
    assertThat(readiness).isEqualTo("200 ok\n");
  }

  private static String probe(InferenceService service, String path) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.metricsPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
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
  void aPausedServiceLeavesItsFramesWaitingAndTakesThemWhenResumed() throws Exception {
    try (InferenceService service = InferenceService.start(oneThreadService("pause"));
        KafkaConsumer<String, byte[]> consumer = committedConsumer("pause-events");
        KafkaProducer<String, byte[]> producer = producer()) {
      service.pause();
      for (long s = 0; s < 4; s++) {
        producer.send(new ProducerRecord<>("pause-frames", "door", TestFrames.frame("door", "s", 0, s).toByteArray()));
      }
      producer.flush();
      List<ConsumerRecord<String, byte[]>> whilePaused = new ArrayList<>();
      long quietUntil = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      while (System.nanoTime() < quietUntil) {
        consumer.poll(Duration.ofMillis(200)).forEach(whilePaused::add);
      }
      assertThat(whilePaused).as("no event while paused").isEmpty();

      service.resume();
      List<ConsumerRecord<String, byte[]>> afterResume = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (afterResume.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(afterResume::add);
      }
      assertThat(afterResume).extracting(r -> parse(r.value()).getFirstSequenceNumber()).as("the clip of the waiting frames")
          .containsExactly(0L);
    }
  }

  /**
   * A stream thread turns an answer into an event even while no frame comes. It forwards answers
   * when a frame arrives or on a 10 ms punctuation, which runs only between polls: with Kafka
   * Streams' own 100 ms poll time, each of these clips' events waited about 100 ms for it.
   */
  @Test
  void anAnsweredClipBecomesAnEventWithoutWaitingForTheNextFrame() throws Exception {
    List<Double> answerToEvent = clipsOneAtATime("answer").stream()
        .map(r -> (double) r.event().getTimings().getAnswerToEventMs()).toList();
    // the first clips also wait for the JIT; the median says what the drain does
    assertThat(median(answerToEvent)).as("median ms from the network's answer to the event, of %s", answerToEvent).isLessThan(50.0);
  }

  /**
   * An event is committed once its clip is answered, not at Kafka Streams' periodic commit, which
   * is only the backstop (5 s): committed at that alone, these events would wait 2.5 s at the
   * median to be seen.
   */
  @Test
  void anEventIsCommittedOnceItsClipIsAnsweredRatherThanAtTheBackstop() throws Exception {
    List<Double> eventToReceipt = clipsOneAtATime("commit").stream().map(Received::eventToReceiptMs).toList();
    assertThat(median(eventToReceipt)).as("median ms from the event to its receipt after the commit, of %s", eventToReceipt)
        .isLessThan(250.0);
  }

  /**
   * Frames that complete no clip are committed in the quiet time after them (once they have
   * waited 250 ms), not at Kafka Streams' periodic commit, which is only the backstop (5 s): so
   * that the backstop seldom falls inside a burst with anything to commit, and a restart after a
   * crash takes few frames again. Committed at the backstop alone, these frames would wait 2.5 s
   * at the median.
   */
  @Test
  void framesThatCompleteNoClipAreCommittedInTheQuietTimeRatherThanAtTheBackstop() throws Exception {
    String name = "quiet";
    TopicPartition frames = new TopicPartition(name + "-frames", 0);
    List<Double> toCommitMs = new ArrayList<>();
    try (InferenceService service = InferenceService.start(oneThreadService(name));
        KafkaProducer<String, byte[]> producer = producer();
        Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      // a clip is 4 frames: 3 and 7 complete one, and their events are committed with them
      for (long s : new long[] {0, 1, 2, 3, 4, 5, 6}) {
        long offset = producer.send(new ProducerRecord<>(frames.topic(), "hall", TestFrames.frame("hall", "s", 0, s).toByteArray()))
            .get().offset();
        long sent = System.nanoTime();
        long deadline = sent + Duration.ofSeconds(30).toNanos();
        long committed = -1;
        while (committed <= offset && System.nanoTime() < deadline) {
          OffsetAndMetadata position = admin.listConsumerGroupOffsets(name + "-test").partitionsToOffsetAndMetadata().get().get(frames);
          committed = position == null ? -1 : position.offset();
          if (committed <= offset) {
            Thread.sleep(10);
          }
        }
        assertThat(committed).as("the committed position after frame %d (offset %d)", s, offset).isGreaterThan(offset);
        if (s % 4 != 3) {
          toCommitMs.add((System.nanoTime() - sent) / 1e6);
        }
      }
    }
    assertThat(median(toCommitMs)).as("median ms from a frame that completes no clip to its commit, of %s", toCommitMs)
        .isLessThan(1_000.0);
  }

  /** An event and when a {@code read_committed} consumer received it. */
  private record Received(ActionEvent event, long receivedUs) {
    double eventToReceiptMs() {
      return (receivedUs - event.getTimings().getEventTimeUs()) / 1000.0;
    }
  }

  /**
   * Sends seven clips of one camera to a service of its own, one clip's frames at a time, each
   * after the last clip's event was received, and returns the events.
   */
  private static List<Received> clipsOneAtATime(String name) throws Exception {
    List<Received> received = new ArrayList<>();
    try (InferenceService service = InferenceService.start(oneThreadService(name));
        KafkaConsumer<String, byte[]> consumer = committedConsumer(name + "-events");
        KafkaProducer<String, byte[]> producer = producer()) {
      for (long first = 0; first < 28; first += 4) {
        for (long s = first; s < first + 4; s++) {
          producer.send(new ProducerRecord<>(name + "-frames", "hall", TestFrames.frame("hall", "s", 0, s).toByteArray()));
        }
        producer.flush();
        Received next = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (next == null && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(5))) {
            next = new Received(parse(r.value()), System.currentTimeMillis() * 1000);
          }
        }
        assertThat(next).as("the event of the clip from frame %d", first).isNotNull();
        assertThat(next.event().getFirstSequenceNumber()).isEqualTo(first);
        received.add(next);
      }
    }
    return received;
  }

  /** A service with one stream thread and topics, application id and state of its own, named after {@code name}. */
  private static InferenceConfig oneThreadService(String name) {
    return InferenceConfig.builder(Map.of("bootstrap.servers", broker.bootstrapServers())).applicationId(name + "-test")
        .framesTopic(name + "-frames").eventsTopic(name + "-events").deadLetterTopic(name + "-dlq").modelFile(model).modelName("tiny")
        .maxBatch(4).maxWait(Duration.ofMillis(10)).streamThreads(1).topicPartitions(1).stateDir(dir.resolve(name + "-state"))
        .metricsPort(-1).build();
  }

  /** A consumer of {@code topic}'s committed records from its beginning, as a downstream team reads events. */
  private static KafkaConsumer<String, byte[]> committedConsumer(String topic) {
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
        "group.id", UUID.randomUUID().toString(), "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
        new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer());
  }

  private static double median(List<Double> values) {
    return values.stream().sorted().toList().get(values.size() / 2);
  }

  @Test
  void aModelThatCannotServeStopsTheStartWithTheReason() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.onnx"), "not a model");
    InferenceConfig config = InferenceConfig.builder(Map.of("bootstrap.servers", broker.bootstrapServers())).modelFile(broken).build();
    assertThatThrownBy(() -> InferenceService.start(config))
        .isInstanceOf(ModelRefusedException.class)
        .satisfies(e -> assertThat(((ModelRefusedException) e).reason()).isEqualTo(RefusalReason.NOT_ONNX))
        .hasMessageContaining(broken.toString());
  }

  @Test
  void aBadSettingIsNamedAtStart() {
    InferenceConfig.Builder config = InferenceConfig.builder(Map.of("bootstrap.servers", broker.bootstrapServers())).modelFile(model);
    assertThatThrownBy(config.eventsTopic("action events").build()::validate)
        .hasMessage("events topic: 'action events' is not a valid topic name");
    assertThatThrownBy(config.eventsTopic("action-events").frameRateTolerance(0).build()::validate)
        .hasMessage("frame rate tolerance must be above 0 and at most 10, got 0.0");
    InferenceConfig.Builder slowCommits = InferenceConfig.builder(Map.of("bootstrap.servers", broker.bootstrapServers(),
        "commit.interval.ms", "1s")).modelFile(model);
    assertThatThrownBy(slowCommits.build()::validate).hasMessage("commit.interval.ms must be a whole number of milliseconds, got '1s'");
  }

  private static List<ConsumerRecord<String, byte[]>> read(String topic, int count) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = committedConsumer(topic)) {
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
