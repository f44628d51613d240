package io.actionstream.cli;

import io.actionstream.ops.OpsServer;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Asks a running service's probe and exits 0 when it answers ok: the health check of container
 * images that have no curl (docker compose runs it; Kubernetes asks the HTTP probes itself).
 */
@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Ask a running ingest or inference whether it is live or ready; exit 0 when it is, 1 when it is not"
        + " (the answer says why) or does not answer."},
    footer = {"", "Example (a compose health check):", "  actionstream health --port 9402 --ready"})
final class HealthCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--host", defaultValue = "localhost", description = "Host of the service (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", required = true, description = "Its metrics and probes port (ingest 9401, inference 9402 by default).")
  int port;

  @Option(names = "--ready", description = "Ask readiness (can it do its work now?) instead of liveness.")
  boolean ready;

  @Option(names = "--timeout", defaultValue = "5s", converter = DurationConverter.class,
      description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI uri = URI.create("http://" + host + ":" + port + (ready ? OpsServer.READY : OpsServer.LIVE));
    try {
      HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(timeout).build()
          .send(HttpRequest.newBuilder(uri).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
      (response.statusCode() == 200 ? out : err).print(uri + ": " + response.statusCode() + " " + response.body());
      return response.statusCode() == 200 ? 0 : 1;
    } catch (java.io.IOException e) {
      err.println(uri + ": no answer (" + e.getMessage() + ")");
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }
}
