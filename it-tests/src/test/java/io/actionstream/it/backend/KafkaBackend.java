package io.actionstream.it.backend;

import java.util.Map;

/**
 * A running Kafka cluster that the integration tests point the services at: the embedded KRaft
 * broker everywhere, a Kafka container where Docker is present. Tests ask only for the client
 * properties; they do not know which one they got.
 */
public interface KafkaBackend extends AutoCloseable {

  /** Client properties that reach the cluster: {@code bootstrap.servers} and any security settings. */
  Map<String, String> clientProperties();

  default String bootstrapServers() {
    return clientProperties().get("bootstrap.servers");
  }

  /**
   * Stops the broker and starts it again on the same address and data, as a rolling restart or a
   * crashed broker coming back would; clients see it disappear for a while.
   *
   * @throws UnsupportedOperationException with the reason, where the backend cannot do that
   */
  void restart() throws Exception;

  /** Why {@link #restart()} is impossible here, or null when it works. */
  default String restartUnsupportedReason() {
    return null;
  }

  @Override
  void close();
}
