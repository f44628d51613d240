package io.actionstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.cli.CommandLineTest.Result;
import io.actionstream.ops.HealthCheck;
import io.actionstream.ops.OpsServer;
import io.actionstream.ops.PortRange;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code actionstream health}, the compose health check, against a real operations endpoint. */
class HealthCommandTest {

  @Test
  void exitsZeroWhenTheProbeSaysOkAndOneWithTheReasonWhenNot() throws Exception {
    HealthCheck notReady = () -> Optional.of("Kafka Streams is REBALANCING, not RUNNING");
    try (OpsServer server = OpsServer.start(PortRange.ANY, new PrometheusRegistry(), HealthCheck.OK, notReady)) {
      String port = Integer.toString(server.port());
      Result live = CommandLineTest.run("health", "--port", port);
      assertThat(live.code()).isZero();
      assertThat(live.out()).contains("/health/live: 200 ok");

      Result ready = CommandLineTest.run("health", "--port", port, "--ready");
      assertThat(ready.code()).isEqualTo(1);
      assertThat(ready.err()).contains("/health/ready: 503 Kafka Streams is REBALANCING");
    }
  }

  @Test
  void aServiceThatDoesNotAnswerIsUnhealthy() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Result result = CommandLineTest.run("health", "--port", Integer.toString(closed), "--timeout", "2s");
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err()).contains("no answer");
  }
}
