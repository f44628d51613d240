package io.actionstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.it.ExpectedClips.ClipKey;
import io.actionstream.it.backend.EmbeddedBackend;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.training.synth.DemoVideo;
import io.actionstream.training.synth.SynthOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long run, not part of the default test run ({@code bin/soak 2h}): looping real-time
 * cameras for hours while the inference is killed at random moments (every third time the broker
 * is restarted first, and some other times the ingest is killed); at the end every clip must have exactly one committed event.
 * Prints what it did and what it checked.
 */
@Tag("soak")
class SoakTest {

  @TempDir Path dir;

  @Test
  void hoursOfLoopingCamerasWithCrashesLoseAndDuplicateNoEvent() throws Exception {
    Duration length = parse(System.getProperty("actionstream.soak.duration", "10m"));
    int cameraCount = Integer.getInteger("actionstream.soak.cameras", 4);
    long seed = Long.getLong("actionstream.soak.seed", System.nanoTime());
    Random random = new Random(seed);
    Path video = dir.resolve("soak.avi");
    DemoVideo.write(video, SynthOptions.DEFAULTS.withSeed(3), 12, 16);
    Map<String, Path> cameras = new LinkedHashMap<>();
    for (int i = 1; i <= cameraCount; i++) {
      cameras.put("soak-" + i, video);
    }
    System.out.printf("soak: %s, %d cameras at 8 fps, seed %d%n", length, cameraCount, seed);

    long end = System.nanoTime() + length.toNanos();
    int inferenceKills = 0;
    int brokerRestarts = 0;
    int ingestKills = 0;
    double heapPeak = 0;
    Path state = dir.resolve("inference-state");
    try (EmbeddedBackend kafka = EmbeddedBackend.start(dir.resolve("kafka"))) {
      ChildJvm ingest = Services.ingest(kafka.clientProperties(), cameras, "--loop", "--duration", seconds(end));
      try {
        for (int cycle = 1; System.nanoTime() < end - Duration.ofSeconds(90).toNanos(); cycle++) {
          try (ChildJvm inference = Services.infer(kafka.clientProperties(), state, "512m")) {
            String metrics = Services.awaitServing(inference);
            // kills every 20 s to 3 min (sooner in a short soak, so that it still sees a few)
            int spread = (int) Math.max(10, Math.min(160, length.toSeconds() / 10));
            long until = System.nanoTime() + Duration.ofSeconds(20 + random.nextInt(spread)).toNanos();
            while (System.nanoTime() < Math.min(until, end)) {
              Thread.sleep(5_000);
              heapPeak = Math.max(heapPeak, MetricsPage.scrape(metrics).byLabel("jvm_memory_used_bytes", "area")
                  .getOrDefault("heap", 0.0));
              assertThat(inference.isAlive()).as("inference died on its own; its log:\n%s", inference.stderr()).isTrue();
            }
            if (cycle % 3 == 0) {
              kafka.restart();
              brokerRestarts++;
            } else if (cycle % 4 == 2) {
              ingest.kill();
              ingest.close();
              ingestKills++;
              ingest = Services.ingest(kafka.clientProperties(), cameras, "--loop", "--duration", seconds(end));
            }
            inference.kill();
            inferenceKills++;
            System.out.printf("soak: cycle %d done; %d inference kills, %d broker restarts, %d ingest kills so far%n", cycle,
                inferenceKills, brokerRestarts, ingestKills);
          }
        }
        try (ChildJvm inference = Services.infer(kafka.clientProperties(), state, "512m")) {
          Services.awaitServing(inference);
          assertThat(ingest.awaitExit(Duration.ofMinutes(5))).as(ingest.stderr()).isZero();
          List<Frame> frames = TopicSnapshot.frames(TopicSnapshot.read(kafka.clientProperties(), "frames"));
          Set<ClipKey> expected = ExpectedClips.of(frames, 16);
          List<ActionEvent> events = TopicSnapshot.events(TopicSnapshot.readUntil(kafka.clientProperties(), "action-events",
              r -> r.size() >= expected.size(), Duration.ofMinutes(10), Duration.ofSeconds(5)));
          int deadLetters = TopicSnapshot.read(kafka.clientProperties(), "frames-dlq").size();
          System.out.printf("soak: %d frames in %d ingest sessions, %d clips expected, %d committed events, %d dead letters, "
                  + "inference heap peak %.0f MB (512 MB limit)%n", frames.size(),
              frames.stream().map(Frame::getSessionId).distinct().count(), expected.size(), events.size(), deadLetters,
              heapPeak / 1e6);
          ExpectedClips.assertExactlyOnce(events, expected);
          assertThat(deadLetters).as("dead letters from good cameras").isZero();
          System.out.printf("soak: checked after %d inference kills, %d broker restarts and %d ingest kills: every clip has "
              + "exactly one event, none lost, none duplicated, none invented%n", inferenceKills, brokerRestarts, ingestKills);
        }
      } finally {
        ingest.close();
      }
    }
  }

  private static String seconds(long endNanos) {
    return Math.max(1, (endNanos - System.nanoTime()) / 1_000_000_000L) + "s";
  }

  private static Duration parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    return Duration.parse(t.startsWith("P") ? t : "PT" + t);
  }
}
