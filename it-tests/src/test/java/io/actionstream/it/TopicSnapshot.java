package io.actionstream.it;

import com.google.protobuf.InvalidProtocolBufferException;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic the way a downstream consumer with {@code isolation.level=read_committed} sees
 * it: only records of committed transactions, every partition from its beginning.
 */
final class TopicSnapshot {

  private TopicSnapshot() {}

  /** Everything committed to the topic up to now (its end offsets when the call starts). */
  static List<ConsumerRecord<String, byte[]>> read(Map<String, String> kafka, String topic) {
    try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " up to " + end + " within 60 s");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /**
   * Reads the topic until {@code done} holds for what was read, then goes on for {@code settle}
   * so that records that should not be there (duplicates) have a chance to show up.
   */
  static List<ConsumerRecord<String, byte[]>> readUntil(Map<String, String> kafka, String topic,
      Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout, Duration settle) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ConsumerRecord<String, byte[]>> records = read(kafka, topic);
    while (!done.test(records) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      records = read(kafka, topic);
    }
    Thread.sleep(settle.toMillis());
    return read(kafka, topic);
  }

  /** The records' values as frames; anything else fails the test. */
  static List<Frame> frames(List<ConsumerRecord<String, byte[]>> records) {
    return parse(records, Frame::parseFrom);
  }

  /** The records' values as action events; anything else fails the test. */
  static List<ActionEvent> events(List<ConsumerRecord<String, byte[]>> records) {
    return parse(records, ActionEvent::parseFrom);
  }

  private interface Parser<T> {
    T parse(byte[] bytes) throws InvalidProtocolBufferException;
  }

  private static <T> List<T> parse(List<ConsumerRecord<String, byte[]>> records, Parser<T> parser) {
    List<T> values = new ArrayList<>(records.size());
    for (ConsumerRecord<String, byte[]> r : records) {
      try {
        values.add(parser.parse(r.value()));
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("unexpected record at " + r.topic() + "-" + r.partition() + "@" + r.offset(), e);
      }
    }
    return values;
  }

  private static KafkaConsumer<String, byte[]> consumer(Map<String, String> kafka) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put("isolation.level", "read_committed");
    props.put("enable.auto.commit", "false");
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
