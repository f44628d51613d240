package io.actionstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.ingest.config.IngestConfigReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest's probes follow what it is doing: ready while a camera plays, not once none is open. */
class HealthProbeTest {

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void readyWhileACameraPlaysAndNotReadyOnceNoCameraIsOpenButStillLive() throws Exception {
    // 4 s of video in real time: long enough to see the service ready while it plays
    Path video = PatternVideo.write(dir.resolve("probe.mp4"), "mp4", 100, 160, 120, 25);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      var config = IngestConfigReader.read(Files.writeString(dir.resolve("probe.yaml"), """
          kafka: {bootstrap.servers: '%s'}
          metricsPort: 0
          cameras:
            - {id: gate, uri: '%s', fps: 25}
          """.formatted(broker.bootstrapServers(), video)));
      try (IngestService service = IngestService.start(config)) {
        String base = "http://127.0.0.1:" + service.metricsPort();
        String ready = awaitStatus(base + "/health/ready", 200, Duration.ofSeconds(3));
        assertThat(ready).isEqualTo("200 ok\n");
        assertThat(service.status()).as("the camera still plays when the probe says ready").allMatch(CameraStatus::up);

        assertThat(service.awaitCompletion(Duration.ofSeconds(30))).isTrue();
        assertThat(get(base + "/health/ready")).startsWith("503 no camera is open (1 configured");
        assertThat(get(base + "/health/live")).isEqualTo("200 ok\n");
      }
    }
  }

  private String awaitStatus(String url, int status, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = get(url);
    while (!last.startsWith(status + " ") && System.nanoTime() < deadline) {
      Thread.sleep(20);
      last = get(url);
    }
    return last;
  }

  private String get(String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }
}
