package io.actionstream.cli;

import io.actionstream.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code actionstream broker}: a real Kafka broker for development, in the foreground. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Run a single-node Apache Kafka broker (KRaft mode, Kafka's own server code) in the "
          + "foreground until Ctrl-C.",
      "Prints 'bootstrap.servers=HOST:PORT' on stdout once it accepts clients."
    })
final class BrokerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
  String host;

  @Option(names = "--advertised-host", description = "Host name clients should use, when it differs from --host.")
  String advertisedHost;

  @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--controller-port", defaultValue = "0", description = "KRaft controller port (default: a free one).")
  int controllerPort;

  @Option(
      names = "--data-dir",
      description = "Keep topics and offsets here across restarts (default: a temporary directory, deleted on exit).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    if (port != 0 && !portFree(host, port)) {
      throw new ParameterException(
          spec.commandLine(), "port " + port + " on " + host + " is in use; choose another with --port (0 for any)");
    }
    EmbeddedKafkaBroker.Builder builder =
        EmbeddedKafkaBroker.builder().host(host).port(port).controllerPort(controllerPort).dataDir(dataDir);
    if (advertisedHost != null) {
      builder.advertisedHost(advertisedHost);
    }
    try (StopSignal stop = new StopSignal(); EmbeddedKafkaBroker broker = builder.start()) {
      spec.commandLine().getOut().println("bootstrap.servers=" + broker.bootstrapServers());
      spec.commandLine().getOut().flush();
      while (!stop.await(Duration.ofHours(1))) {
        // keep serving until Ctrl-C
      }
    }
    return 0;
  }

  private static boolean portFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
