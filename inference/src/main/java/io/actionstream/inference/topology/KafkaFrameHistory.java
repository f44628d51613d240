package io.actionstream.inference.topology;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FrameHistory} over Kafka: a consumer of its own (the service's client settings, so TLS
 * and SASL apply; no group, nothing committed; committed records only) reads the partition from
 * the first wanted offset to the last. Used only while a task restores, so it is made per read.
 */
public final class KafkaFrameHistory implements FrameHistory {

  private static final Logger log = LoggerFactory.getLogger(KafkaFrameHistory.class);

  private final Map<String, Object> props;
  private final Duration timeout;

  /** {@code kafka}: the service's client settings; {@code timeout}: the longest one read may take. */
  public KafkaFrameHistory(Map<String, String> kafka, Duration timeout) {
    this.props = new HashMap<>(kafka);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "actionstream-inference-frame-history");
    this.timeout = timeout;
  }

  @Override
  public Map<Long, byte[]> read(TopicPartition partition, SortedSet<Long> offsets) {
    Map<Long, byte[]> found = new HashMap<>();
    if (offsets.isEmpty()) {
      return found;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
      long last = Math.min(offsets.last(), end - 1);
      // before the log start (retention) the consumer moves on to the earliest record it has
      consumer.seek(partition, offsets.first());
      while (consumer.position(partition, timeout) <= last && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (offsets.contains(record.offset())) {
            found.put(record.offset(), record.value());
          }
        }
      }
    }
    if (found.size() < offsets.size()) {
      log.warn("Read back {} of {} frames of {} (offsets {}-{}); the others are no longer in the topic (retention) or could not be "
          + "read within {} s", found.size(), offsets.size(), partition, offsets.first(), offsets.last(), timeout.toSeconds());
    }
    return found;
  }
}
