package io.actionstream.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.model.runtime.TinyOnnx;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.ClipAssemblyState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clip cut by a restart: its first frames were consumed (and committed) by one instance, its
 * last by the next. The changelog holds only the frames' offsets, so the next instance must read
 * those frames back from the frames topic to complete the clip, and must drop the clip (and go
 * on with the next) when retention has removed them.
 */
class ClipRestoreTest {

  private static final String STATE_CHANGELOG = "restore-test-clip-state-changelog";

  @TempDir Path dir;
  private EmbeddedKafkaBroker broker;
  private InferenceConfig config;
  /** One capture clock for all frames, so the clip's frame rate is right across the restart. */
  private final long baseUs = System.currentTimeMillis() * 1000 - 10_000_000;

  @BeforeEach
  void start() throws Exception {
    broker = EmbeddedKafkaBroker.start();
    Path model = Files.write(dir.resolve("tiny.onnx"), new TinyOnnx().build());
    // Streams does not leave its group on close: the next instance waits for the session timeout
    config = InferenceConfig.builder(Map.of("bootstrap.servers", broker.bootstrapServers(), "session.timeout.ms", "6000"))
        .applicationId("restore-test")
        .modelFile(model).modelName("tiny").maxBatch(4).maxWait(Duration.ofMillis(10)).streamThreads(1).topicPartitions(1)
        .stateDir(dir.resolve("state")).metricsPort(0).build();
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  @Test
  void theNextInstanceCompletesTheClipWithItsFirstFramesReadBackFromTheTopic() throws Exception {
    // the tiny model's clips are 4 frames: 0-3 is served, 4 and 5 wait in the state at the stop
    runUntilConsumed(0, 6);
    runUntilConsumed(6, 8);

    assertThat(events(2)).extracting(ActionEvent::getFirstSequenceNumber, ActionEvent::getLastSequenceNumber)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 3L), org.assertj.core.groups.Tuple.tuple(4L, 7L));
  }

  @Test
  void aClipWhoseFramesRetentionRemovedIsDroppedAndTheNextOneServed() throws Exception {
    runUntilConsumed(0, 6);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      // as retention would: frames 0-5 are gone from the topic
      admin.deleteRecords(Map.of(new TopicPartition("frames", 0), RecordsToDelete.beforeOffset(6))).all().get();
    }
    runUntilConsumed(6, 12);

    assertThat(events(2)).extracting(ActionEvent::getFirstSequenceNumber).as("4-7 cannot be completed; 8-11 can")
        .containsExactly(0L, 8L);
  }

  @Test
  void aStateWrittenByTheVersionThatKeptOffsetsInTheirOwnStoreRestoresWithThem() throws Exception {
    runUntilConsumed(0, 6);
    // rewrite the changelogs as that version left them: the camera's state without offsets, and
    // one entry per waiting frame (4 and 5, at offsets 4 and 5) in clip-frame-offsets
    ClipAssemblyState current = lastState("gate");
    assertThat(current.getPartialList()).containsExactly(4L, 5L);
    assertThat(current.getPartialOffsetsList()).as("this version records the offsets in the state").containsExactly(4L, 5L);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(STATE_CHANGELOG, 0, "gate", current.toBuilder().clearPartialOffsets().build().toByteArray()));
      for (long s = 4; s <= 5; s++) {
        producer.send(new ProducerRecord<>("restore-test-clip-frame-offsets-changelog", 0, String.format("gate\u0000s\u0000%020d", s),
            new LongSerializer().serialize("", s)));
      }
      producer.flush();
    }
    runUntilConsumed(6, 8);

    assertThat(events(2)).extracting(ActionEvent::getFirstSequenceNumber, ActionEvent::getLastSequenceNumber)
        .as("4 and 5 were found through the older version's store")
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 3L), org.assertj.core.groups.Tuple.tuple(4L, 7L));
    assertThat(lastState("gate").getPartialOffsetsCount()).isEqualTo(lastState("gate").getPartialCount());
  }

  /** The latest value of {@code camera}'s clip state in its changelog. */
  private ClipAssemblyState lastState(String camera) throws Exception {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
        "isolation.level", "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(STATE_CHANGELOG, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      byte[] last = null;
      while (consumer.position(partition) < end) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key().equals(camera) && record.value() != null) {
            last = record.value();
          }
        }
      }
      assertThat(last).as("a state of " + camera + " in " + STATE_CHANGELOG).isNotNull();
      return ClipAssemblyState.parseFrom(last);
    }
  }

  /** One instance: frames {@code from} to {@code to - 1} are sent, consumed, and the instance stopped. */
  private void runUntilConsumed(long from, long to) throws Exception {
    try (InferenceService service = InferenceService.start(config);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
            new StringSerializer(), new ByteArraySerializer())) {
      double before = consumed(service);
      for (long s = from; s < to; s++) {
        byte[] frame = TestFrames.frame("gate", "s", 0, s).toBuilder().setCaptureTimeUs(baseUs + s * 125_000).build().toByteArray();
        producer.send(new ProducerRecord<>("frames", "gate", frame));
      }
      producer.flush();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (consumed(service) < before + (to - from) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(consumed(service)).as("frames consumed by this instance").isEqualTo(before + (to - from));
      // answers on their way are committed by the close
      Thread.sleep(500);
    }
  }

  private static double consumed(InferenceService service) throws Exception {
    String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.metricsPort()
        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^actionstream_inference_frames_consumed_total (\\S+)$").matcher(page);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** The committed events, waiting for {@code count} and a little longer for any extra. */
  private List<ActionEvent> events(int count) throws Exception {
    List<ActionEvent> events = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
        "group.id", UUID.randomUUID().toString(), "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("action-events"));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      long settle = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settle)) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          events.add(ActionEvent.parseFrom(record.value()));
        }
        if (events.size() >= count && settle == Long.MAX_VALUE) {
          settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
      }
    }
    return events;
  }
}
