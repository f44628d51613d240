package io.actionstream.it.backend;

import io.actionstream.broker.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The in-process KRaft broker on a kept data directory; a restart brings the same broker back on
 * the same ports with its topics, offsets and transactions.
 */
public final class EmbeddedBackend implements KafkaBackend {

  private final Path dataDir;
  private final UnaryOperator<EmbeddedKafkaBroker.Builder> settings;
  private EmbeddedKafkaBroker broker;

  private EmbeddedBackend(Path dataDir, UnaryOperator<EmbeddedKafkaBroker.Builder> settings) {
    this.dataDir = dataDir;
    this.settings = settings;
    this.broker = settings.apply(EmbeddedKafkaBroker.builder().dataDir(dataDir)).start();
  }

  public static EmbeddedBackend start(Path dataDir) {
    return new EmbeddedBackend(dataDir, b -> b);
  }

  /** A broker with extra settings (listeners, security) applied to its builder. */
  public static EmbeddedBackend start(Path dataDir, UnaryOperator<EmbeddedKafkaBroker.Builder> settings) {
    return new EmbeddedBackend(dataDir, settings);
  }

  @Override
  public Map<String, String> clientProperties() {
    return Map.of("bootstrap.servers", broker.bootstrapServers());
  }

  /** The address of an extra listener, e.g. {@code SSL}. */
  public String listenerAddress(String name) {
    return broker.listenerAddress(name);
  }

  @Override
  public synchronized void restart() {
    broker.close();
    broker = settings.apply(EmbeddedKafkaBroker.builder().port(broker.port()).controllerPort(broker.controllerPort())
        .dataDir(dataDir)).start();
  }

  @Override
  public synchronized void close() {
    broker.close();
  }

  @Override
  public String toString() {
    return "embedded KRaft broker";
  }
}
