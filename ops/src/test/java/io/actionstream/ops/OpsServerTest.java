package io.actionstream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OpsServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void probesAnswerOkOrTheProblemAndFollowTheServicesState() throws Exception {
    AtomicReference<String> notReady = new AtomicReference<>("Kafka Streams is REBALANCING");
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name("probe_test_total").register(registry).inc();
    try (OpsServer server = OpsServer.start(PortRange.ANY, registry, HealthCheck.OK, () -> Optional.ofNullable(notReady.get()))) {
      assertThat(get(server, OpsServer.LIVE)).isEqualTo("200 ok\n");
      assertThat(get(server, OpsServer.READY)).isEqualTo("503 Kafka Streams is REBALANCING\n");
      notReady.set(null);
      assertThat(get(server, OpsServer.READY)).isEqualTo("200 ok\n");
      assertThat(get(server, "/metrics")).startsWith("200 ").contains("probe_test_total 1.0").contains("jvm_memory_used_bytes");
      assertThat(get(server, "/nothing")).startsWith("404 ");
    }
  }

  @Test
  void aCheckThatThrowsIsAProblemNotAnError() throws Exception {
    HealthCheck broken = () -> {
      throw new IllegalStateException("closed");
    };
    try (OpsServer server = OpsServer.start(PortRange.ANY, new PrometheusRegistry(), broken, HealthCheck.OK)) {
      assertThat(get(server, OpsServer.LIVE)).startsWith("503 the check failed").contains("closed");
    }
  }

  @Test
  void aSecondInstanceOnTheSameHostTakesTheNextPortOfTheRange() throws Exception {
    int first;
    try (ServerSocket probe = new ServerSocket(0)) {
      first = probe.getLocalPort();
    }
    PortRange range = new PortRange(first, Math.min(65_535, first + 5));
    try (OpsServer one = OpsServer.start(range, new PrometheusRegistry(), HealthCheck.OK, HealthCheck.OK);
        OpsServer two = OpsServer.start(range, new PrometheusRegistry(), HealthCheck.OK, HealthCheck.OK)) {
      assertThat(one.port()).isEqualTo(first);
      assertThat(two.port()).isGreaterThan(first).isLessThanOrEqualTo(range.last());
      assertThat(get(two, OpsServer.LIVE)).isEqualTo("200 ok\n");
      assertThatThrownBy(() -> OpsServer.start(PortRange.of(first), new PrometheusRegistry(), HealthCheck.OK, HealthCheck.OK))
          .isInstanceOf(IOException.class).hasMessageContaining("port " + first + " is taken").hasMessageContaining("range");
    }
  }

  @Test
  void portSettingsParseOrNameTheSetting() {
    assertThat(PortRange.parse("--metrics-port", "9402")).isEqualTo(new PortRange(9402, 9402));
    assertThat(PortRange.parse("--metrics-port", "9402-9409")).isEqualTo(new PortRange(9402, 9409));
    assertThat(PortRange.parse("--metrics-port", "0")).isEqualTo(PortRange.ANY);
    assertThat(PortRange.parse("--metrics-port", "-1").off()).isTrue();
    for (String bad : new String[] {"", "http", "9409-9402", "70000", "-2", "0-5"}) {
      assertThatThrownBy(() -> PortRange.parse("metricsPort", bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("metricsPort: '" + bad + "'");
    }
  }

  private String get(OpsServer server, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }
}
