package io.actionstream.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.actionstream.ingest.config.IngestConfig;
import io.actionstream.ingest.config.IngestConfigReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker/compose.yaml as docker-compose itself reads it (Debian's docker-compose, offline): valid,
 * complete, and every actionstream command in it accepted by the real command line.
 */
class ComposeFileTest {

  private static final Path DOCKER = Tool.ROOT.resolve("docker");
  private static JsonNode services;

  @BeforeAll
  static void render() throws Exception {
    Tool compose = Tool.require("docker-compose", "docker-compose");
    Tool.Run check = compose.run(DOCKER, "-f", "compose.yaml", "config", "-q");
    assertThat(check.exitCode()).as("docker-compose config -q:%n%s", check.output()).isZero();
    Tool.Run all = compose.run(DOCKER, "-f", "compose.yaml", "--profile", "gpu", "--profile", "training", "--profile", "viewer",
        "config");
    assertThat(all.exitCode()).as(all.output()).isZero();
    services = new ObjectMapper(new YAMLFactory()).readTree(all.output()).path("services");
  }

  @Test
  void aPlainUpStartsKafkaTopicsIngestInferencePrometheusAndGrafanaButNotTheGpuOrTheTrainer() {
    // a service without profiles is what a plain `up` starts (docker-compose 1.29 lists all of them in --services)
    List<String> plain = new ArrayList<>();
    services.fields().forEachRemaining(s -> {
      if (s.getValue().path("profiles").isMissingNode()) {
        plain.add(s.getKey());
      }
    });
    assertThat(plain).containsExactlyInAnyOrder("kafka", "topics", "ingest", "inference", "prometheus", "grafana");
    assertThat(services.path("kafka").path("image").asText()).startsWith("apache/kafka:");
    assertThat(services.path("topics").path("environment").path("FRAMES_PARTITIONS").asText()).isEqualTo("8");
  }

  @Test
  void everyActionstreamCommandParsesAndTheServicesHaveHealthChecks() {
    List<String> checked = new ArrayList<>();
    services.fields().forEachRemaining(service -> {
      JsonNode spec = service.getValue();
      if (!spec.path("image").asText().startsWith("actionstream:")) {
        return;
      }
      List<String> command = strings(spec.path("command"));
      String subcommand = DeployedCommand.parse(command, Map.of());
      checked.add(service.getKey() + "=" + subcommand);
      if (!subcommand.equals("train")) {
        List<String> health = strings(spec.path("healthcheck").path("test"));
        assertThat(health).as("%s health check", service.getKey()).startsWith("CMD", "actionstream", "health");
        DeployedCommand.parse(health.subList(2, health.size()), Map.of());
      }
    });
    assertThat(checked).containsExactlyInAnyOrder("ingest=ingest", "inference=infer", "inference-gpu=infer", "trainer=train",
        "viewer=view");
  }

  @Test
  void onlyTheGpuProfileReservesAGpuAndUsesTheCudaImageAndProvider() {
    JsonNode gpu = services.path("inference-gpu");
    assertThat(strings(gpu.path("profiles"))).containsExactly("gpu");
    assertThat(gpu.path("image").asText()).endsWith("-cuda");
    JsonNode device = gpu.path("deploy").path("resources").path("reservations").path("devices").path(0);
    assertThat(device.path("driver").asText()).isEqualTo("nvidia");
    assertThat(strings(device.path("capabilities"))).containsExactly("gpu");
    assertThat(strings(gpu.path("command"))).containsSequence("--provider", "cuda");
    assertThat(strings(services.path("inference").path("command"))).containsSequence("--provider", "cpu");
    assertThat(services.path("inference").path("deploy").isMissingNode()).isTrue();
  }

  @Test
  void theTrainerSharesTheModelStoreWithTheInferenceAndPrometheusAndGrafanaMountTheirFiles() {
    assertThat(strings(services.path("trainer").path("volumes"))).anyMatch(v -> v.startsWith("model-store:/var/lib/actionstream/model-store"));
    assertThat(strings(services.path("inference").path("volumes"))).anyMatch(v -> v.startsWith("model-store:/var/lib/actionstream/model-store"));
    assertThat(strings(services.path("trainer").path("command"))).containsSequence("--model-store", "/var/lib/actionstream/model-store");
    assertThat(strings(services.path("prometheus").path("volumes"))).anyMatch(v -> v.endsWith("/docker/prometheus:/etc/prometheus:ro"));
    assertThat(strings(services.path("grafana").path("volumes")))
        .anyMatch(v -> v.endsWith("/docker/grafana/provisioning:/etc/grafana/provisioning:ro"))
        .anyMatch(v -> v.endsWith("/docker/grafana/dashboards:/var/lib/grafana/dashboards:ro"));
  }

  @Test
  void theViewerServesBeyondLoopbackOnlyWithATokenAndIsPublishedOnTheHostsLoopback() {
    JsonNode viewer = services.path("viewer");
    assertThat(strings(viewer.path("command"))).containsSequence("--bind", "0.0.0.0");
    assertThat(viewer.path("environment").has("ACTIONSTREAM_VIEWER_TOKEN")).isTrue();
    assertThat(viewer.path("ports").toString()).contains("127.0.0.1").contains("9403");
  }

  @Test
  void theSampleCamerasFileIsAValidIngestConfigurationThatPlaysTheBundledVideo() {
    IngestConfig config = IngestConfigReader.read(DOCKER.resolve("cameras.yaml"));
    assertThat(config.cameras()).singleElement().satisfies(camera -> {
      assertThat(camera.id()).isEqualTo("demo");
      assertThat(camera.uri().input()).isEqualTo("/opt/actionstream/samples/synthactions-demo.avi");
      assertThat(camera.settings().loop()).isTrue();
    });
    assertThat(config.kafka()).containsEntry("bootstrap.servers", "kafka:9092");
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
