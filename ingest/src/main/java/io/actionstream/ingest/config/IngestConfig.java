package io.actionstream.ingest.config;

import io.actionstream.ops.PortRange;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Validated settings of one ingest process: the Kafka connection, the frames topic, the
 * metrics endpoint and the cameras. Built once at start-up by {@link IngestConfigReader}; every
 * value here has been checked.
 *
 * @param kafka Kafka producer properties, passed through as given (bootstrap.servers,
 *     security.protocol, ssl.*, sasl.*, ...)
 * @param topic name of the frames topic
 * @param topicPartitions partitions to create the topic with if it does not exist; 0 leaves
 *     topic creation to the broker
 * @param metricsPorts port of the operations endpoint (metrics and health probes): one port, a range
 *     to take the first free port from, any free port (0) or none (-1)
 * @param stagger the cameras' starts are spread evenly over this time (zero: all start at once), so
 *     that their clips do not all end at the same instant
 * @param cameras the cameras, in configuration order, with unique ids
 */
public record IngestConfig(
    Map<String, String> kafka,
    String topic,
    int topicPartitions,
    PortRange metricsPorts,
    Duration stagger,
    List<CameraConfig> cameras) {

  public IngestConfig {
    kafka = Map.copyOf(kafka);
    cameras = List.copyOf(cameras);
  }

  public String bootstrapServers() {
    return kafka.get("bootstrap.servers");
  }
}
