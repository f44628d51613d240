package io.actionstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.ingest.FrameTopicReader;
import io.actionstream.ingest.FrameTopicReader.KeyedFrame;
import io.actionstream.ingest.PatternVideo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code actionstream broker} and {@code actionstream ingest} as separate processes, the way the
 * README tells a user to run them; the test only reads the topic, like a downstream consumer.
 */
class CommandLineProcessesTest {

  @TempDir static Path dir;
  private static ChildJvm broker;
  private static String bootstrapServers;
  private static Path video;

  @BeforeAll
  static void startBroker() throws Exception {
    video = PatternVideo.write(dir.resolve("gate.mp4"), "mp4", 40, 320, 240, 20);
    broker = ChildJvm.start("broker", "--port", "0", "--data-dir", dir.resolve("kafka").toString());
    bootstrapServers =
        broker.awaitLine("bootstrap.servers=", Duration.ofSeconds(60)).substring("bootstrap.servers=".length());
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.stop(Duration.ofSeconds(30));
      broker.close();
    }
  }

  @Test
  void ingestProcessPublishesEveryFrameOfAFileAndExitsWhenItEnds() throws Exception {
    try (ChildJvm ingest =
        ChildJvm.start(
            "ingest", "--bootstrap-servers", bootstrapServers, "--topic", "gate-frames",
            "--camera", "gate=" + video, "--fps", "20", "--no-realtime", "--metrics-port", "-1")) {
      assertThat(ingest.awaitExit(Duration.ofSeconds(90))).as(ingest.stderr()).isZero();
      assertThat(ingest.stderr()).contains("Camera 'gate' reached the end");
    }

    List<KeyedFrame> frames = FrameTopicReader.read(bootstrapServers, "gate-frames", 40);
    assertThat(frames).extracting(KeyedFrame::key).containsOnly("gate");
    assertThat(frames).extracting(f -> f.frame().getSequenceNumber())
        .containsExactlyElementsOf(IntStream.range(0, 40).mapToObj(i -> (long) i).toList());
  }

  @Test
  void theDemoRunsTheWholeSystemServesTheLivePageAndPrintsALinePerClipWithTheTrueClass() throws Exception {
    Path home = Path.of(System.getProperty("actionstream.shipped.model")).getParent().getParent().getParent();
    try (ChildJvm demo = ChildJvm.startIn(home, "demo", "--duration", "25s", "--ingest-metrics-port", "0",
        "--inference-metrics-port", "0", "--viewer-port", "0")) {
      String page = demo.awaitLine("Live page: http://localhost:", Duration.ofSeconds(90));
      java.net.URI url = java.net.URI.create(page.replaceAll("^Live page: (\\S+).*$", "$1"));
      var answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(url).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as("the demo's live page at %s", url).isEqualTo(200);
      assertThat(answer.body()).contains("<title>actionstream");
      String first = demo.awaitLine("Kafka at ", Duration.ofSeconds(90));
      assertThat(first).contains("metrics at http://localhost:");
      List<String> events = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        events.add(demo.awaitLine("", Duration.ofSeconds(30)));
      }
      assertThat(events).anySatisfy(line -> assertThat(line).contains("frames     0-15").contains("true: "));
      assertThat(events.stream().filter(l -> l.contains("true: ")).count()).isGreaterThanOrEqualTo(3);
      assertThat(demo.awaitExit(Duration.ofSeconds(90))).as(demo.stderr()).isZero();
    }
  }

  @Test
  void aCameraThatCannotBeOpenedEndsTheProcessWithItsNameAndPath() throws Exception {
    Path missing = dir.resolve("garage.mp4");
    try (ChildJvm ingest =
        ChildJvm.start(
            "ingest", "--bootstrap-servers", bootstrapServers, "--metrics-port", "-1",
            "--camera", "garage=" + missing)) {
      assertThat(ingest.awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
      assertThat(ingest.stderr())
          .contains("camera 'garage'")
          .contains(missing.toString())
          .contains("file does not exist")
          .doesNotContain("\tat io.actionstream");
    }
  }

  @Test
  void aMalformedConfigFileFailsAtStartNamingTheSetting() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("cameras.yaml"),
            """
            kafka: {bootstrap.servers: '%s'}
            cameras:
              - {id: gate, uri: '%s', resize: zoom}
            """
                .formatted(bootstrapServers, video));
    try (ChildJvm ingest = ChildJvm.start("ingest", "--config", config.toString())) {
      assertThat(ingest.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(ingest.stderr()).contains("cameras[0].resize: 'zoom' is not a resize mode");
    }
  }
}
