package io.actionstream.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Apache Kafka broker in KRaft mode, running inside this JVM.
 *
 * <p>It is built from Kafka's own server classes: the log directory is formatted with {@code
 * StorageTool} and a {@code KafkaRaftServer} acting as broker and controller is started on
 * loopback ports. It serves the quickstart and every test on machines without Docker, so it is
 * configured like a small production broker (replication factor 1 for internal topics,
 * transactions enabled) rather than mocked. Closing it shuts the server down and deletes its
 * data unless a data directory was supplied.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;
  private final boolean deleteDataOnClose;
  private final Map<String, String> listenerAddresses;
  private final int controllerPort;
  private boolean closed;

  private EmbeddedKafkaBroker(
      KafkaRaftServer server,
      String bootstrapServers,
      Path dataDir,
      boolean deleteDataOnClose,
      Map<String, String> listenerAddresses,
      int controllerPort) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
    this.deleteDataOnClose = deleteDataOnClose;
    this.listenerAddresses = listenerAddresses;
    this.controllerPort = controllerPort;
  }

  /** Starts a broker on free loopback ports with a temporary data directory. */
  public static EmbeddedKafkaBroker start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The {@code bootstrap.servers} value of the PLAINTEXT listener, e.g. {@code 127.0.0.1:40123}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The address of a named listener, e.g. {@code SSL} when one was added with {@link
   * Builder#listener}.
   */
  public String listenerAddress(String listenerName) {
    String address = listenerAddresses.get(listenerName);
    if (address == null) {
      throw new IllegalArgumentException(
          "no listener named " + listenerName + "; listeners: " + listenerAddresses.keySet());
    }
    return address;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Port of the PLAINTEXT listener, e.g. to start the broker again at the same address. */
  public int port() {
    String address = listenerAddresses.get("PLAINTEXT");
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** Port of the KRaft controller listener. */
  public int controllerPort() {
    return controllerPort;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long start = System.nanoTime();
    server.shutdown();
    server.awaitShutdown();
    if (deleteDataOnClose) {
      deleteRecursively(dataDir);
    }
    log.info(
        "Embedded Kafka broker at {} stopped in {} ms",
        bootstrapServers,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  /** Settings of an embedded broker; every one has a default that suits tests. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private String advertisedHost;
    private int port;
    private int controllerPort;
    private Path dataDir;
    private Path temporaryParent;
    private final Map<String, ExtraListener> extraListeners = new LinkedHashMap<>();
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private Builder() {}

    /** Interface to bind to; {@code 0.0.0.0} makes the broker reachable from other hosts. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** Host name clients are told to connect to; defaults to the bind host (or 127.0.0.1). */
    public Builder advertisedHost(String advertisedHost) {
      this.advertisedHost = advertisedHost;
      return this;
    }

    /** Port of the PLAINTEXT listener; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Port of the KRaft controller listener; 0 (the default) picks a free one. */
    public Builder controllerPort(int controllerPort) {
      this.controllerPort = controllerPort;
      return this;
    }

    /**
     * Keeps the broker's data in this directory, so that a broker started again on it finds its
     * topics and offsets. Without it, a temporary directory is used and deleted on close.
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /**
     * Puts the temporary data directory (used when no {@link #dataDir} is given, and deleted on
     * close) in {@code parent} instead of the JVM's temporary folder: a RAM-backed file system
     * such as {@code /dev/shm} keeps the log off the disk.
     */
    public Builder temporaryDataUnder(Path parent) {
      this.temporaryParent = parent;
      return this;
    }

    /**
     * Adds a listener, e.g. {@code listener("SSL", "SSL", 0)}; its security settings go through
     * {@link #brokerProperty} with the usual {@code listener.name.<name>.} prefix.
     */
    public Builder listener(String name, String securityProtocol, int port) {
      extraListeners.put(name.toUpperCase(java.util.Locale.ROOT), new ExtraListener(securityProtocol, port));
      return this;
    }

    /** Sets or overrides any broker property (see Kafka's broker configuration reference). */
    public Builder brokerProperty(String key, String value) {
      overrides.put(key, value);
      return this;
    }

    public EmbeddedKafkaBroker start() {
      long start = System.nanoTime();
      boolean temporary = dataDir == null;
      Path dir = temporary ? createTempDir(temporaryParent) : createDirectories(dataDir);
      String advertised =
          advertisedHost != null ? advertisedHost : ("0.0.0.0".equals(host) ? "127.0.0.1" : host);

      int brokerPort = port != 0 ? port : freePort(host);
      int raftPort = controllerPort != 0 ? controllerPort : freePort(host);
      Map<String, String> addresses = new LinkedHashMap<>();
      addresses.put("PLAINTEXT", advertised + ":" + brokerPort);
      StringBuilder listeners =
          new StringBuilder("PLAINTEXT://" + host + ":" + brokerPort);
      StringBuilder advertisedListeners =
          new StringBuilder("PLAINTEXT://" + advertised + ":" + brokerPort);
      StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      for (Map.Entry<String, ExtraListener> listener : extraListeners.entrySet()) {
        int listenerPort = listener.getValue().port() != 0 ? listener.getValue().port() : freePort(host);
        String name = listener.getKey();
        listeners.append(',').append(name).append("://").append(host).append(':').append(listenerPort);
        advertisedListeners
            .append(',').append(name).append("://").append(advertised).append(':').append(listenerPort);
        protocols.append(',').append(name).append(':').append(listener.getValue().securityProtocol());
        addresses.put(name, advertised + ":" + listenerPort);
      }
      listeners.append(",CONTROLLER://").append(host).append(':').append(raftPort);

      Properties props = new Properties();
      props.put("process.roles", "broker,controller");
      props.put("node.id", "1");
      props.put("controller.quorum.voters", "1@" + advertised + ":" + raftPort);
      props.put("listeners", listeners.toString());
      props.put("advertised.listeners", advertisedListeners.toString());
      props.put("controller.listener.names", "CONTROLLER");
      props.put("inter.broker.listener.name", "PLAINTEXT");
      props.put("listener.security.protocol.map", protocols.toString());
      props.put("log.dirs", dir.resolve("data").toString());
      // A single node: internal topics cannot have more than one replica.
      props.put("offsets.topic.replication.factor", "1");
      props.put("offsets.topic.num.partitions", "5");
      props.put("transaction.state.log.replication.factor", "1");
      props.put("transaction.state.log.min.isr", "1");
      props.put("transaction.state.log.num.partitions", "5");
      props.put("share.coordinator.state.topic.replication.factor", "1");
      props.put("share.coordinator.state.topic.min.isr", "1");
      // Consumer groups and Streams applications start without the usual 3 s grace period.
      props.put("group.initial.rebalance.delay.ms", "0");
      props.putAll(overrides);

      Path configFile = dir.resolve("server.properties");
      writeProperties(props, configFile);
      formatStorageIfNew(dir, configFile);

      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      try {
        server.startup();
        awaitReady(addresses.get("PLAINTEXT"));
      } catch (RuntimeException e) {
        server.shutdown();
        server.awaitShutdown();
        if (temporary) {
          deleteRecursively(dir);
        }
        throw new IllegalStateException(
            "Embedded Kafka broker did not start on " + listeners + ": " + e.getMessage(), e);
      }
      EmbeddedKafkaBroker broker =
          new EmbeddedKafkaBroker(
              server, addresses.get("PLAINTEXT"), dir, temporary, Map.copyOf(addresses), raftPort);
      log.info(
          "Embedded Kafka broker (KRaft) ready at {} in {} ms, data in {}",
          broker.bootstrapServers(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
          dir);
      return broker;
    }
  }

  private record ExtraListener(String securityProtocol, int port) {}

  private static void formatStorageIfNew(Path dir, Path configFile) {
    if (Files.exists(dir.resolve("data").resolve("meta.properties"))) {
      log.info("Reusing formatted Kafka storage in {}", dir);
      return;
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int rc;
    try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      rc =
          StorageTool.execute(
              new String[] {
                "format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()
              },
              out);
    }
    String text = output.toString(StandardCharsets.UTF_8).trim();
    if (rc != 0) {
      throw new IllegalStateException("Formatting Kafka storage in " + dir + " failed: " + text);
    }
    log.debug("Kafka storage format: {}", text);
  }

  private static void awaitReady(String bootstrapServers) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    } catch (Exception e) {
      throw new IllegalStateException("broker not ready within " + READY_TIMEOUT, e);
    }
  }

  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + host, e);
    }
  }

  private static Path createTempDir(Path parent) {
    try {
      return parent != null ? Files.createTempDirectory(parent, "actionstream-kafka-") : Files.createTempDirectory("actionstream-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
    }
  }

  private static Path createDirectories(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Kafka data directory " + dir, e);
    }
  }

  private static void writeProperties(Properties props, Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      props.store(out, "embedded Kafka broker (written by actionstream)");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      log.warn("Could not delete {}: {}", dir, e.toString());
    }
  }
}
