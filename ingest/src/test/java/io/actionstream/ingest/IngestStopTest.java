package io.actionstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.ingest.config.IngestConfig;
import io.actionstream.ingest.config.IngestConfigReader;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping an ingest whose cameras are blocked on a full producer buffer (Kafka slower than the
 * cameras, here gone): every camera ends, and the frame each held is counted as dropped rather
 * than reported as a camera failure. Round 30's benchmark logged 298 cameras "stopped by an
 * unexpected error" when an overloaded run ended.
 */
class IngestStopTest {

  @TempDir Path dir;

  @Test
  void camerasWaitingForRoomInTheProducerStopCleanlyAndCountTheirFrameAsDropped() throws Exception {
    Path video = PatternVideo.write(dir.resolve("loop.mp4"), "mp4", 50, 320, 240, 25);
    IngestService service;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      IngestConfig config =
          IngestConfigReader.read(
              Files.writeString(
                  dir.resolve("stop.yaml"),
                  """
                  kafka:
                    bootstrap.servers: '%s'
                    # room for three 48 KiB raw frames, one a batch; frames that Kafka cannot take expire after 10 s
                    buffer.memory: '200000'
                    batch.size: '65536'
                    request.timeout.ms: '1000'
                    delivery.timeout.ms: '10000'
                  topic: stop-frames
                  defaults: {fps: 25, width: 128, height: 128, encoding: raw, realtime: false, loop: true}
                  cameras:
                    - {id: left, uri: '%s'}
                    - {id: right, uri: '%s'}
                  """
                      .formatted(broker.bootstrapServers(), video, video)));
      service = IngestService.start(config);
      awaitPublished(service, 20);
    }
    // the broker is gone: the producer's buffer fills and both cameras block in send
    long blocked = settledPublished(service);
    Thread.sleep(1_000);
    assertThat(published(service)).as("no camera gets past a full buffer").isEqualTo(blocked);

    service.close();

    assertThat(service.status()).allSatisfy(camera -> assertThat(camera.finished()).isTrue());
    assertThat(dropped(service.registry().scrape(), "stopped"))
        .as("one frame per camera was waiting for room when the ingest stopped")
        .isEqualTo(2.0);
  }

  private static void awaitPublished(IngestService service, long frames) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (published(service) < frames) {
      assertThat(System.nanoTime()).as("%d frames published within 60 s", frames).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** The published count once it has stopped moving for half a second. */
  private static long settledPublished(IngestService service) throws InterruptedException {
    long last = -1;
    long now = published(service);
    while (now != last) {
      last = now;
      Thread.sleep(500);
      now = published(service);
    }
    return now;
  }

  private static long published(IngestService service) {
    return service.status().stream().mapToLong(CameraStatus::framesPublished).sum();
  }

  private static double dropped(MetricSnapshots metrics, String reason) {
    return metrics.stream()
        .filter(s -> s.getMetadata().getName().equals("actionstream_ingest_frames_dropped"))
        .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
        .filter(p -> reason.equals(p.getLabels().get("reason")))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }
}
