package io.actionstream.ingest;

import io.actionstream.schemas.v1.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the frames topic from the beginning, as a downstream consumer would. */
public final class FrameTopicReader {

  /** A frame, the record key it came with, and the record's timestamp (when the producer took it). */
  public record KeyedFrame(String key, Frame frame, long timestampMs) {}

  private FrameTopicReader() {}

  /** Reads until {@code done} holds for what was read, or {@code timeout} passes. */
  public static List<KeyedFrame> readUntil(
      String bootstrapServers, String topic, Predicate<List<KeyedFrame>> done, Duration timeout)
      throws Exception {
    Map<String, Object> props =
        Map.of(
            "bootstrap.servers", bootstrapServers,
            "group.id", "test-" + UUID.randomUUID(),
            "auto.offset.reset", "earliest",
            "isolation.level", "read_committed");
    List<KeyedFrame> frames = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(frames) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          frames.add(new KeyedFrame(record.key(), Frame.parseFrom(record.value()), record.timestamp()));
        }
      }
    }
    return frames;
  }

  /** Reads exactly {@code count} frames (more, if more arrive within a short grace period). */
  public static List<KeyedFrame> read(String bootstrapServers, String topic, int count) throws Exception {
    List<KeyedFrame> frames =
        readUntil(bootstrapServers, topic, f -> f.size() >= count, Duration.ofSeconds(60));
    List<KeyedFrame> extra =
        readUntil(bootstrapServers, topic, f -> f.size() > frames.size(), Duration.ofSeconds(1));
    return extra.size() > frames.size() ? extra : frames;
  }
}
