package io.actionstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.ingest.FrameTopicReader.KeyedFrame;
import io.actionstream.ingest.config.IngestConfig;
import io.actionstream.ingest.config.IngestConfigReader;
import io.actionstream.schemas.v1.Frame;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live HTTP camera whose first connection breaks off mid-stream: the ingest reconnects, the
 * outage shows as a jump in sequence numbers and a new segment, and the reconnect is counted.
 */
class LiveSourceReconnectTest {

  @TempDir Path dir;

  @Test
  void aStreamThatDropsIsReconnectedAndTheGapIsVisible() throws Exception {
    byte[] stream = Files.readAllBytes(PatternVideo.write(dir.resolve("live.ts"), "mpegts", 75, 320, 240, 25));
    AtomicInteger connections = new AtomicInteger();
    HttpServer camera = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    camera.createContext(
        "/live.ts",
        exchange -> {
          // Like a camera, the server sends in real time (3 s for 75 frames at 25 fps). The
          // first connection ends after 40% of the stream; later ones deliver all of it.
          int length = connections.incrementAndGet() == 1 ? stream.length * 2 / 5 : stream.length;
          exchange.sendResponseHeaders(200, 0);
          int chunk = stream.length / 75;
          try (OutputStream body = exchange.getResponseBody()) {
            for (int offset = 0; offset < length; offset += chunk) {
              body.write(stream, offset, Math.min(chunk, length - offset));
              body.flush();
              Thread.sleep(40);
            }
          } catch (java.io.IOException clientWentAway) {
            // the ingest closed the connection: fine
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    camera.start();

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      String url = "http://127.0.0.1:" + camera.getAddress().getPort() + "/live.ts";
      IngestConfig config =
          IngestConfigReader.read(
              Files.writeString(
                  dir.resolve("live.yaml"),
                  """
                  kafka: {bootstrap.servers: '%s'}
                  metricsPort: -1
                  cameras:
                    - id: street
                      uri: '%s'
                      fps: 25
                      reconnect: {initialBackoff: 400ms, maxBackoff: 2s}
                  """
                      .formatted(broker.bootstrapServers(), url)));

      List<KeyedFrame> frames;
      MetricSnapshots metrics;
      try (IngestService service = IngestService.start(config)) {
        frames =
            FrameTopicReader.readUntil(
                broker.bootstrapServers(),
                "frames",
                read -> read.stream().filter(f -> f.frame().getSegment() == 1).count() >= 40,
                Duration.ofSeconds(60));
        metrics = service.registry().scrape();
      } finally {
        camera.stop(0);
      }

      List<Frame> before = frames.stream().map(KeyedFrame::frame).filter(f -> f.getSegment() == 0).toList();
      List<Frame> after = frames.stream().map(KeyedFrame::frame).filter(f -> f.getSegment() == 1).toList();
      assertThat(before).as("frames before the drop").hasSizeBetween(10, 40);
      assertThat(after).as("frames after the reconnect").hasSizeGreaterThanOrEqualTo(40);
      assertThat(frames).extracting(f -> f.frame().getSequenceNumber()).isSorted().doesNotHaveDuplicates();
      assertThat(frames).extracting(f -> f.frame().getSessionId()).containsOnly(before.get(0).getSessionId());

      // The outage lasted at least the 400 ms backoff: at 25 fps, at least 9 frames are missing.
      Frame lastBefore = before.get(before.size() - 1);
      Frame firstAfter = after.get(0);
      long gap = firstAfter.getSequenceNumber() - lastBefore.getSequenceNumber() - 1;
      long expectedGap =
          Math.round((firstAfter.getCaptureTimeUs() - lastBefore.getCaptureTimeUs()) * 25 / 1e6) - 1;
      assertThat(gap).isGreaterThanOrEqualTo(9).isEqualTo(expectedGap);
      // The new connection starts at the beginning of the stream again.
      assertThat(PatternVideo.readIndex(IngestServiceTest.decode(firstAfter), firstAfter.getImageRegion()))
          .isZero();

      assertThat(connections.get()).isGreaterThanOrEqualTo(2);
      assertThat(valueOf(metrics, "actionstream_ingest_reconnects", "street")).isEqualTo(1.0);
      assertThat(valueOf(metrics, "actionstream_ingest_camera_up", "street")).isEqualTo(1.0);
    }
  }

  /** The value of a counter or gauge of one camera in a registry scrape. */
  private static double valueOf(MetricSnapshots snapshots, String name, String camera) {
    for (MetricSnapshot snapshot : snapshots) {
      if (snapshot.getMetadata().getName().equals(name)) {
        for (var point : snapshot.getDataPoints()) {
          if (point.getLabels().equals(Labels.of("camera", camera))) {
            return point instanceof CounterSnapshot.CounterDataPointSnapshot counter
                ? counter.getValue()
                : ((GaugeSnapshot.GaugeDataPointSnapshot) point).getValue();
          }
        }
      }
    }
    throw new AssertionError("no metric " + name + " for camera " + camera);
  }
}
