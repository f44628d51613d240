package io.actionstream.it.backend;

import java.util.Map;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Apache Kafka in a Docker container (Testcontainers), for machines with a Docker engine: the
 * same suite against the broker image that users deploy. The image is {@code apache/kafka} at
 * the client version unless {@code -Dactionstream.it.kafka.image=...} names another.
 */
public final class ContainerBackend implements KafkaBackend {

  static final String IMAGE = System.getProperty("actionstream.it.kafka.image", "apache/kafka:4.4.0");

  private final KafkaContainer container;

  private ContainerBackend(KafkaContainer container) {
    this.container = container;
  }

  public static ContainerBackend start() {
    KafkaContainer container = new KafkaContainer(IMAGE)
        // single node: internal topics with one replica, transactions included
        .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
        .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
        .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
    container.start();
    return new ContainerBackend(container);
  }

  @Override
  public Map<String, String> clientProperties() {
    return Map.of("bootstrap.servers", container.getBootstrapServers());
  }

  @Override
  public void restart() {
    throw new UnsupportedOperationException(restartUnsupportedReason());
  }

  @Override
  public String restartUnsupportedReason() {
    return "a restarted container gets a new host port, so clients could not find the same broker again";
  }

  @Override
  public void close() {
    container.stop();
  }

  @Override
  public String toString() {
    return "Kafka container " + IMAGE;
  }
}
