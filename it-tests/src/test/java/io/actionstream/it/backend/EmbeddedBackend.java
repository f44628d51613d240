package io.actionstream.it.backend;

import io.actionstream.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The in-process KRaft broker on ports fixed at creation and a kept data directory, so that a
 * restart brings the same broker back at the same address with its topics, offsets and
 * transactions.
 */
public final class EmbeddedBackend implements KafkaBackend {

  private final int port = freePort();
  private final int controllerPort = freePort();
  private final Path dataDir;
  private final UnaryOperator<EmbeddedKafkaBroker.Builder> settings;
  private EmbeddedKafkaBroker broker;

  private EmbeddedBackend(Path dataDir, UnaryOperator<EmbeddedKafkaBroker.Builder> settings) {
    this.dataDir = dataDir;
    this.settings = settings;
    this.broker = startBroker();
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
    broker = startBroker();
  }

  private EmbeddedKafkaBroker startBroker() {
    return settings.apply(EmbeddedKafkaBroker.builder().port(port).controllerPort(controllerPort).dataDir(dataDir)).start();
  }

  @Override
  public synchronized void close() {
    broker.close();
  }

  @Override
  public String toString() {
    return "embedded KRaft broker";
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
