package io.actionstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.ingest.FrameTopicReader.KeyedFrame;
import io.actionstream.ingest.camera.FfmpegCameraSource;
import io.actionstream.ingest.config.IngestConfig;
import io.actionstream.ingest.config.IngestConfigReader;
import io.actionstream.model.clip.ClipCadence;
import io.actionstream.model.clip.FrameDeferral;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cameras in the network's process hold the frames that complete no clip while the network is
 * busy, and only those: a real video file played in real time into a real (embedded) broker, the
 * network's load told by a {@link FrameDeferral} that is busy until a given time.
 */
class FrameDeferralTest {

  /** 8 fps. */
  private static final long PERIOD_MS = 125;
  /** How late a frame published when due may still reach the producer on a busy test machine. */
  private static final long SLACK_MS = 100;
  /** Clips of four frames, no overlap: positions 3, 7, 11 and 15 complete one. */
  private static final ClipCadence CADENCE = new ClipCadence(4, 4);

  private static EmbeddedKafkaBroker broker;
  @TempDir static Path dir;
  private static Path video;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.start();
    video = PatternVideo.write(dir.resolve("clips.mkv"), "matroska", 16, 96, 96, 8);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void whileTheNetworkStaysBusyAFrameThatCompletesNoClipWaitsUntilItWouldHoldUpItsClip() throws Exception {
    List<KeyedFrame> frames = ingest("busy", new Network(Long.MAX_VALUE));

    for (KeyedFrame f : frames) {
      long position = f.frame().getSequenceNumber();
      long toClipEnd = CADENCE.framesToClipEnd(position);
      long heldMs = toClipEnd <= 1 ? 0 : (toClipEnd - 1) * PERIOD_MS;
      assertThat(publishedAfterCaptureMs(f)).as("frame %d, %d frame(s) before its clip's end", position, toClipEnd)
          .isBetween(heldMs - 10, heldMs + SLACK_MS);
    }
    assertThat(deferredFrames).as("positions 0, 4, 8 and 12 (1, 5, 9 and 13 waited behind them)").isEqualTo(4);
  }

  @Test
  void heldFramesGoOnceTheNetworkIsIdleAndThenNothingWaits() throws Exception {
    // busy for the first 600 ms of the camera's frames: frames 0 and 1 wait for their deadline
    // (250 ms), frame 4 (due at 500, deadline 750) for the network's idle time at 600
    List<KeyedFrame> frames = ingest("idle-at-600", new Network(600));

    long first = frames.get(0).frame().getCaptureTimeUs() / 1000;
    KeyedFrame fifth = frames.get(4);
    assertThat(fifth.timestampMs() - first).as("frame 4 went when the network became idle").isBetween(590L, 600 + SLACK_MS);
    for (KeyedFrame f : frames.subList(5, frames.size())) {
      assertThat(publishedAfterCaptureMs(f)).as("frame %d, after the network became idle", f.frame().getSequenceNumber())
          .isBetween(-10L, SLACK_MS);
    }
  }

  @Test
  void captureTimesStayWhenEachFrameWasDueHoweverLongItWasHeld() throws Exception {
    List<KeyedFrame> frames = ingest("stamps", new Network(Long.MAX_VALUE));

    long first = frames.get(0).frame().getCaptureTimeUs();
    for (KeyedFrame f : frames) {
      long offsetMs = (f.frame().getCaptureTimeUs() - first) / 1000;
      assertThat(offsetMs).as("frame %d captured on the 125 ms grid", f.frame().getSequenceNumber())
          .isBetween(PERIOD_MS * f.frame().getSequenceNumber() - 5, PERIOD_MS * f.frame().getSequenceNumber() + 5);
    }
  }

  @Test
  void aFileReadAsFastAsItDecodesIsNeverHeld() throws Exception {
    List<KeyedFrame> frames = ingest("backfill", new Network(Long.MAX_VALUE), false);

    assertThat(deferredFrames).as("a backfill has no due times to hold frames to").isZero();
    assertThat(frames.get(15).timestampMs() - frames.get(0).timestampMs()).as("16 frames, ms").isLessThan(1_000);
  }

  private double deferredFrames;

  /** Plays the video once in real time with {@code network} in the process; its 16 frames in order. */
  private List<KeyedFrame> ingest(String topic, Network network) throws Exception {
    return ingest(topic, network, true);
  }

  private List<KeyedFrame> ingest(String topic, Network network, boolean realtime) throws Exception {
    Path file = Files.createTempFile(dir, "ingest", ".yaml");
    Files.writeString(file, """
        kafka: {bootstrap.servers: '%s'}
        metricsPort: -1
        topic: %s
        defaults: {fps: 8, width: 64, height: 64, realtime: %s}
        cameras:
          - {id: cam-0, uri: '%s'}
        """.formatted(broker.bootstrapServers(), topic, realtime, video));
    IngestConfig config = IngestConfigReader.read(file);
    try (IngestService service = IngestService.start(config,
        camera -> new FfmpegCameraSource(camera.id(), camera.uri(), camera.settings().options(), 1), network)) {
      assertThat(service.awaitCompletion(Duration.ofSeconds(60))).isTrue();
      deferredFrames = service.registry().scrape().stream()
          .filter(s -> s.getMetadata().getName().equals("actionstream_ingest_frames_deferred"))
          .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream()).mapToDouble(p -> p.getValue()).sum();
    }
    List<KeyedFrame> frames = FrameTopicReader.read(broker.bootstrapServers(), topic, 16);
    assertThat(frames).extracting(f -> f.frame().getSequenceNumber()).containsExactly(
        0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
    return frames;
  }

  private static long publishedAfterCaptureMs(KeyedFrame f) {
    return f.timestampMs() - f.frame().getCaptureTimeUs() / 1000;
  }

  /** A network busy until {@code idleAfterMs} after the first frame asks, then idle. */
  private static final class Network implements FrameDeferral {
    private final long idleAfterMs;
    private volatile long firstAskNanos = -1;

    Network(long idleAfterMs) {
      this.idleAfterMs = idleAfterMs;
    }

    @Override
    public ClipCadence cadence() {
      return CADENCE;
    }

    @Override
    public void awaitIdleNetwork(long deadlineNanos) throws InterruptedException {
      long now = System.nanoTime();
      if (firstAskNanos < 0) {
        firstAskNanos = now;
      }
      long idleAt = idleAfterMs == Long.MAX_VALUE ? Long.MAX_VALUE : firstAskNanos + idleAfterMs * 1_000_000;
      long until = Math.min(deadlineNanos, idleAt);
      if (until > now) {
        Thread.sleep((until - now) / 1_000_000, (int) ((until - now) % 1_000_000));
      }
    }
  }
}
