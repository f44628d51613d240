package io.actionstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.ingest.config.IngestConfig;
import io.actionstream.ingest.config.IngestConfigReader;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus page of a running ingest: the numbers it shows, and that Prometheus accepts it. */
class MetricsEndpointTest {

  @TempDir static Path dir;
  private static String page;

  /** Ingests a 50-frame, 25 fps file at 10 fps (20 frames kept, 30 sampled out) and scrapes. */
  @BeforeAll
  static void ingestAndScrape() throws Exception {
    Path video = PatternVideo.write(dir.resolve("metrics.mp4"), "mp4", 50, 320, 240, 25);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      IngestConfig config =
          IngestConfigReader.read(
              Files.writeString(
                  dir.resolve("metrics.yaml"),
                  """
                  kafka: {bootstrap.servers: '%s'}
                  metricsPort: 0
                  cameras:
                    - {id: yard, uri: '%s', fps: 10, realtime: false}
                  """
                      .formatted(broker.bootstrapServers(), video)));
      try (IngestService service = IngestService.start(config)) {
        assertThat(service.awaitCompletion(Duration.ofSeconds(60))).isTrue();
        HttpResponse<String> response =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + service.metricsPort() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        page = response.body();
      }
    }
  }

  @AfterAll
  static void forget() {
    page = null;
  }

  @Test
  void countsFramesGrabbedSentAndDroppedByReason() {
    assertThat(page)
        .contains("actionstream_ingest_frames_grabbed_total{camera=\"yard\"} 50.0")
        .contains("actionstream_ingest_frames_sent_total{camera=\"yard\"} 20.0")
        .contains("actionstream_ingest_frames_dropped_total{camera=\"yard\",reason=\"sampling\"} 30.0")
        .contains("actionstream_ingest_frames_dropped_total{camera=\"yard\",reason=\"publish_failed\"} 0.0")
        .contains("actionstream_ingest_reconnects_total{camera=\"yard\"} 0.0")
        // the file has ended, so the camera is down
        .contains("actionstream_ingest_camera_up{camera=\"yard\"} 0.0");
  }

  @Test
  void timesDecodingEncodingAndPublishingAsHistograms() {
    assertThat(page)
        .contains("actionstream_ingest_decode_seconds_count{camera=\"yard\"} 50")
        .contains("actionstream_ingest_encode_seconds_count{camera=\"yard\"} 20")
        .contains("actionstream_ingest_publish_latency_seconds_count{camera=\"yard\"} 20")
        .contains("actionstream_ingest_publish_latency_seconds_bucket{camera=\"yard\",le=\"+Inf\"} 20")
        .contains("# TYPE actionstream_ingest_decode_seconds histogram");
  }

  @Test
  void includesJvmMetrics() {
    assertThat(page).contains("jvm_memory_used_bytes").contains("jvm_threads_current");
  }

  @Test
  void promtoolAcceptsThePage() throws Exception {
    String promtool = onPath("promtool");
    assumeTrue(
        promtool != null,
        "promtool is not on the PATH: install Debian's 'prometheus' package to run this check");
    Process process =
        new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
    process.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("promtool check metrics said:%n%s", output).isZero();
  }

  private static String onPath(String command) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(p -> Path.of(p, command))
        .filter(Files::isExecutable)
        .map(Path::toString)
        .findFirst()
        .orElse(null);
  }
}
