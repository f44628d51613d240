package io.actionstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.actionstream.it.ExpectedClips.ClipKey;
import io.actionstream.it.backend.Backends;
import io.actionstream.it.backend.KafkaBackend;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.ModelRelease;
import io.actionstream.training.synth.DemoVideo;
import io.actionstream.training.synth.SynthOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Thousands of malformed frames and six bad model releases mixed into two good cameras'
 * real-time streams, against an inference process with a small heap that dies on the first
 * OutOfMemoryError: it must keep running, put every bad record in the dead-letter topic with the
 * right reason, refuse every bad release, and give the good cameras exactly their events.
 */
class HostileInputTest {

  private static final int BAD_RECORDS = 3_000;
  private static final String ANY = "*";

  @TempDir Path dir;

  /** One kind of malformed record: how to make it from a good frame, and the reason it must get. */
  private record Kind(String name, String reason, Function<Frame, byte[]> make) {}

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.actionstream.it.backend.Backends#all")
  void badFramesAndBadReleasesEndInTheDeadLetterTopicAndTheRefusalsWhileGoodCamerasGetEveryEvent(Backends.Starter backend)
      throws Exception {
    Path video = dir.resolve("good.avi");
    DemoVideo.write(video, SynthOptions.DEFAULTS.withSeed(41), 6, 16);
    Random random = new Random(7);
    List<Kind> kinds = List.of(
        new Kind("random bytes", ANY, f -> randomBytes(random, 1 + random.nextInt(2_000))),
        new Kind("truncated protobuf", ANY, f -> Arrays.copyOf(f.toByteArray(), 1 + random.nextInt(f.getSerializedSize() / 2))),
        new Kind("empty value", "empty_value", f -> new byte[0]),
        new Kind("absurd size", "bad_dimensions", f -> f.toBuilder().setWidth(-1).setHeight(-5).build().toByteArray()),
        new Kind("huge declared dimensions", "bad_dimensions", f -> f.toBuilder().setWidth(200_000).setHeight(150_000)
            .setSourceWidth(2_000_000_000).build().toByteArray()),
        new Kind("dimensions the JPEG does not have", "undecodable_image", f -> f.toBuilder().setWidth(4096).setHeight(4096)
            .build().toByteArray()),
        new Kind("bad JPEG data", "undecodable_image", f -> f.toBuilder()
            .setImage(ByteString.copyFrom(randomBytes(random, f.getImage().size()))).build().toByteArray()),
        new Kind("image larger than its pixels", "image_too_large", f -> f.toBuilder()
            .setImage(ByteString.copyFrom(new byte[400_000])).build().toByteArray()),
        new Kind("empty camera id", "missing_camera_id", f -> f.toBuilder().setCameraId("").build().toByteArray()),
        new Kind("camera id not the key", "key_mismatch", f -> f.toBuilder().setCameraId("intruder").build().toByteArray()),
        new Kind("far-future timestamp", "bad_timestamp", f -> f.toBuilder()
            .setCaptureTimeUs(System.currentTimeMillis() * 1_000 + 365L * 24 * 3600 * 1_000_000).build().toByteArray()),
        new Kind("region outside the image", "bad_geometry", f -> f.toBuilder()
            .setImageRegion(f.getImageRegion().toBuilder().setX(f.getWidth()).setWidth(10)).build().toByteArray()));

    try (KafkaBackend kafka = backend.start(dir);
        ChildJvm inference = Services.infer(kafka.clientProperties(), dir.resolve("state"), "256m")) {
      String metrics = Services.awaitServing(inference);
      String version = BadReleases.version(Files.readAllBytes(Services.SHIPPED_MODEL));
      List<ModelRelease> badReleases = BadReleases.all(Services.SHIPPED_MODEL, dir);
      Map<String, Integer> sentByKind = new HashMap<>();
      try (ChildJvm ingest = Services.ingest(kafka.clientProperties(), Map.of("steady", video, "calm", video),
              "--loop", "--duration", "30s");
          KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.copyOf(kafka.clientProperties()),
              new StringSerializer(), new ByteArraySerializer())) {
        Frame template = TopicSnapshot.frames(TopicSnapshot.readUntil(kafka.clientProperties(), "frames",
            r -> !r.isEmpty(), Duration.ofSeconds(60), Duration.ZERO)).get(0);
        long start = System.nanoTime();
        for (int i = 0; i < BAD_RECORDS; i++) {
          Kind kind = kinds.get(i % kinds.size());
          ProducerRecord<String, byte[]> record = new ProducerRecord<>("frames", template.getCameraId(), kind.make().apply(template));
          record.headers().add("it.kind", kind.name().getBytes(StandardCharsets.UTF_8));
          record.headers().add("it.expected-reason", kind.reason().getBytes(StandardCharsets.UTF_8));
          producer.send(record);
          sentByKind.merge(kind.name(), 1, Integer::sum);
          if (i % 150 == 149) {
            producer.flush();
            Thread.sleep(500); // spread over about 10 s of the cameras' 30 s
          }
          if (i == BAD_RECORDS / 2) {
            // one at a time: of releases that arrive together, the inference only considers the newest
            for (int r = 0; r < badReleases.size(); r++) {
              producer.send(new ProducerRecord<>("model-releases", "student", badReleases.get(r).toByteArray())).get();
              awaitRefusals(metrics, r + 1);
            }
          }
        }
        producer.flush();
        System.out.printf("sent %d malformed records in %d ms: %s%n", BAD_RECORDS, (System.nanoTime() - start) / 1_000_000,
            sentByKind);
        assertThat(ingest.awaitExit(Duration.ofSeconds(120))).as(ingest.stderr()).isZero();
      }

      // the good cameras: every clip exactly once, from the model in service
      List<Frame> good = goodFrames(TopicSnapshot.read(kafka.clientProperties(), "frames"));
      Set<ClipKey> expected = ExpectedClips.of(good, 16);
      List<ActionEvent> events = TopicSnapshot.events(TopicSnapshot.readUntil(kafka.clientProperties(), "action-events",
          r -> r.size() >= expected.size(), Duration.ofSeconds(180), Duration.ofSeconds(3)));
      ExpectedClips.assertExactlyOnce(events, expected);
      assertThat(events).extracting(e -> e.getModel().getVersion()).as("versions of the events").containsOnly(version);

      // every bad record in the dead-letter topic, once, with its reason and its original headers
      List<ConsumerRecord<String, byte[]>> dead = TopicSnapshot.readUntil(kafka.clientProperties(), "frames-dlq",
          r -> r.size() >= BAD_RECORDS, Duration.ofSeconds(120), Duration.ofSeconds(2));
      assertThat(dead).as("dead letters").hasSize(BAD_RECORDS);
      Map<String, Integer> deadByKind = new HashMap<>();
      for (ConsumerRecord<String, byte[]> record : dead) {
        String kind = header(record, "it.kind");
        String expectedReason = header(record, "it.expected-reason");
        String reason = header(record, "actionstream.dlq.reason");
        assertThat(reason).as("reason of a '%s' record", kind).isNotBlank();
        assertThat(header(record, "actionstream.dlq.detail")).isNotBlank();
        if (!expectedReason.equals(ANY)) {
          assertThat(reason).as("reason of a '%s' record (%s)", kind, header(record, "actionstream.dlq.detail"))
              .isEqualTo(expectedReason);
        }
        deadByKind.merge(kind, 1, Integer::sum);
      }
      assertThat(deadByKind).isEqualTo(sentByKind);

      MetricsPage page = MetricsPage.scrape(metrics);
      assertThat(page.sum("actionstream_inference_frames_dlq_total")).isEqualTo(BAD_RECORDS);
      assertThat(page.byLabel("actionstream_inference_model_refused_total", "reason"))
          .containsAllEntriesOf(BadReleases.EXPECTED_REFUSALS);
      double heapMax = page.byLabel("jvm_memory_max_bytes", "area").getOrDefault("heap", 0.0);
      double heapUsed = page.byLabel("jvm_memory_used_bytes", "area").getOrDefault("heap", 0.0);
      System.out.printf("inference heap after the run: %.0f MB used of %.0f MB%n", heapUsed / 1e6, heapMax / 1e6);
      assertThat(inference.isAlive()).as("the inference survived with a 256 MB heap; its log:\n%s", inference.stderr()).isTrue();
      assertThat(inference.stderr()).doesNotContain("OutOfMemoryError").doesNotContain("A stream thread failed");
    }
  }

  private static void awaitRefusals(String metrics, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (MetricsPage.scrape(metrics).sum("actionstream_inference_model_refused_total") < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the inference did not refuse bad release " + count + " within 60 s");
      }
      Thread.sleep(100);
    }
  }

  /** The records that are the ingest's frames (those without the test's marker header). */
  private static List<Frame> goodFrames(List<ConsumerRecord<String, byte[]>> records) {
    return TopicSnapshot.frames(records.stream().filter(r -> r.headers().lastHeader("it.kind") == null).toList());
  }

  private static String header(ConsumerRecord<String, byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
