package io.actionstream.ops;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A service's operations endpoint on one port: {@code /metrics} (the Prometheus page, with JVM
 * metrics), {@code /health/live} and {@code /health/ready}. A probe gets 200 and {@code ok}, or
 * 503 and what is wrong; compose health checks and Kubernetes probes use the same two paths.
 *
 * <p>Liveness means "restart me if this fails" and so only fails when the service cannot recover
 * by itself; readiness means "send me work" and fails while the service is starting, rebalancing
 * or cut off from what it needs.
 */
public final class OpsServer implements AutoCloseable {

  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";

  private final HTTPServer server;

  private OpsServer(HTTPServer server) {
    this.server = server;
  }

  /**
   * Serves {@code registry} and the two probes on the first free port of {@code ports}; fails
   * naming the ports when none is free. {@code ports} must not be {@link PortRange#OFF}.
   */
  public static OpsServer start(PortRange ports, PrometheusRegistry registry, HealthCheck liveness, HealthCheck readiness)
      throws IOException {
    if (ports.off()) {
      throw new IllegalArgumentException("the endpoint is off");
    }
    JvmMetrics.builder().register(registry);
    IOException last = null;
    for (int port = ports.first(); port <= ports.last(); port++) {
      try {
        return new OpsServer(HTTPServer.builder().port(port).registry(registry)
            .defaultHandler(exchange -> probe(exchange, liveness, readiness)).buildAndStart());
      } catch (BindException e) {
        last = e;
      }
    }
    throw new IOException((ports.first() == ports.last() ? "port " + ports + " is taken" : "no port in " + ports + " is free")
        + ": " + (last != null ? last.getMessage() : "") + " (another instance on this host? give a free port, a range"
        + " such as 9402-9409, or 0 for any)", last);
  }

  private static void probe(HttpExchange exchange, HealthCheck liveness, HealthCheck readiness) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      HealthCheck check = switch (path) {
        case LIVE -> liveness;
        case READY -> readiness;
        default -> null;
      };
      if (check == null) {
        answer(exchange, 404, "not found: " + path + " (try /metrics, " + LIVE + ", " + READY + ")\n");
        return;
      }
      Optional<String> problem;
      try {
        problem = check.problem();
      } catch (RuntimeException e) {
        problem = Optional.of("the check failed: " + e);
      }
      answer(exchange, problem.isEmpty() ? 200 : 503, problem.map(p -> p + "\n").orElse("ok\n"));
    }
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, "HEAD".equals(exchange.getRequestMethod()) ? -1 : bytes.length);
    if (!"HEAD".equals(exchange.getRequestMethod())) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
