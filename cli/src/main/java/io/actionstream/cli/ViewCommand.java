package io.actionstream.cli;

import io.actionstream.viewer.ViewerConfig;
import io.actionstream.viewer.ViewerService;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code actionstream view}: the live page of every camera, with the student's attention. */
@Command(
    name = "view",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Serve a live page of every camera: its latest frame with the student's attention heat map, the attention"
        + " boxes with their share, the top labels, the model and the latency, and a strip of recent labels. Follows the"
        + " frames and action-events topics from their latest records (committed records only). Serves on loopback unless"
        + " given a token."},
    footer = {"", "Examples:", "  actionstream view -b kafka:9092                       # http://127.0.0.1:9403/",
        "  ACTIONSTREAM_VIEWER_TOKEN=$(openssl rand -hex 16) actionstream view -b kafka:9092 --bind 0.0.0.0",
        "                                                       # open http://HOST:9403/?token=THE_TOKEN"})
final class ViewCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = {"-b", "--bootstrap-servers"}, required = true, paramLabel = "HOSTS", description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
      description = "Kafka consumer property (security.protocol, ssl.*, sasl.*...); repeatable.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(names = "--bind", defaultValue = "127.0.0.1",
      description = "Address to serve on (default: ${DEFAULT-VALUE}); any other than loopback needs --token.")
  String bind;

  @Option(names = "--port", defaultValue = "9403", description = "Port (default: ${DEFAULT-VALUE}; 0: any free port).")
  int port;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:ACTIONSTREAM_VIEWER_TOKEN}",
      description = "Secret every request must carry (?token=TOKEN or Authorization: Bearer TOKEN), at least 12 characters;"
          + " default: the environment variable ACTIONSTREAM_VIEWER_TOKEN. Requests without it get 401.")
  String token;

  @Option(names = "--frames-topic", defaultValue = "frames", description = "Frames topic (default: ${DEFAULT-VALUE}).")
  String framesTopic;

  @Option(names = "--events-topic", defaultValue = "action-events", description = "Events topic (default: ${DEFAULT-VALUE}).")
  String eventsTopic;

  @Option(names = "--history", defaultValue = "20", description = "Events kept per camera (default: ${DEFAULT-VALUE}).")
  int history;

  @Option(names = "--max-fps", defaultValue = "8", description = "Most frames per second sent per camera (default: ${DEFAULT-VALUE}).")
  double maxFps;

  @Option(names = "--max-cameras", defaultValue = "256", description = "Cameras kept; the one seen longest ago goes first (default: ${DEFAULT-VALUE}).")
  int maxCameras;

  @Override
  public Integer call() throws Exception {
    Map<String, String> kafka = new LinkedHashMap<>(kafkaProperties);
    kafka.put("bootstrap.servers", bootstrapServers);
    ViewerConfig config;
    try {
      config = new ViewerConfig(kafka, framesTopic, eventsTopic, bind, port, token == null || token.isEmpty() ? null : token,
          history, maxFps, maxCameras).validate();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    try (StopSignal stop = new StopSignal(); ViewerService viewer = ViewerService.start(config)) {
      String host = config.loopback() ? "localhost" : bind;
      out.printf("Viewer at http://%s:%d/%s%n", host, viewer.port(), config.token() != null ? "?token=<the token>" : "");
      out.flush();
      while (!stop.await(Duration.ofHours(1))) {
        // serve until Ctrl-C
      }
    }
    return 0;
  }
}
