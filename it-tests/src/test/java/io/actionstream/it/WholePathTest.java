package io.actionstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.it.ExpectedClips.ClipKey;
import io.actionstream.it.backend.Backends;
import io.actionstream.it.backend.KafkaBackend;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.AttentionBox;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.training.synth.DemoVideo;
import io.actionstream.training.synth.SynthOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole path with every service in its own process: ingest of several cameras, inference with
 * the shipped student, and a {@code read_committed} consumer of {@code action-events}.
 */
class WholePathTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.actionstream.it.backend.Backends#all")
  void everyClipOfEveryCameraGetsExactlyOneEventWithAPlausibleLabelAndBoxes(Backends.Starter backend) throws Exception {
    Path video = dir.resolve("actions.avi");
    List<String> truth = DemoVideo.write(video, SynthOptions.DEFAULTS.withSeed(77), 10, 16).stream().map(a -> a.label()).toList();
    Map<String, Path> cameras = Map.of("hall", video, "gate", video, "yard", video);

    try (KafkaBackend kafka = backend.start(dir);
        ChildJvm inference = Services.infer(kafka.clientProperties(), dir.resolve("state"), "512m")) {
      Services.awaitServing(inference);
      try (ChildJvm ingest = Services.ingest(kafka.clientProperties(), cameras, "--no-realtime")) {
        assertThat(ingest.awaitExit(Duration.ofSeconds(120))).as(ingest.stderr()).isZero();
      }
      List<Frame> frames = TopicSnapshot.frames(TopicSnapshot.read(kafka.clientProperties(), "frames"));
      Set<ClipKey> expected = ExpectedClips.of(frames, 16);
      assertThat(expected).as("10 clips per camera").hasSize(30);

      List<ActionEvent> events = TopicSnapshot.events(TopicSnapshot.readUntil(kafka.clientProperties(), "action-events",
          r -> r.size() >= expected.size(), Duration.ofSeconds(180), Duration.ofSeconds(3)));
      assertThat(inference.isAlive()).as(inference.stderr()).isTrue();

      ExpectedClips.assertExactlyOnce(events, expected);
      long right = events.stream().filter(e -> e.getLabels(0).getLabel().equals(truth.get((int) (e.getFirstSequenceNumber() / 16))))
          .count();
      System.out.printf("%s: %d events for %d clips, top label right in %d%n", kafka, events.size(), expected.size(), right);
      // the shipped student is right on about 9 in 10 clips (its report, and 100 clips in InferenceEndToEndTest)
      assertThat(right).as("events whose top label is the true action").isGreaterThanOrEqualTo(22);
      for (ActionEvent e : events) {
        assertThat(e.getLabelsList()).as("top-3 labels").hasSize(3);
        assertThat(e.getLabels(0).getScore()).isBetween(0f, 1f).isGreaterThanOrEqualTo(e.getLabels(1).getScore());
        assertThat(e.getBoxesList()).as("boxes of %s", e.getEventId()).isNotEmpty();
        for (AttentionBox b : e.getBoxesList()) {
          assertThat(b.getXMin()).isBetween(0f, b.getXMax());
          assertThat(b.getYMin()).isBetween(0f, b.getYMax());
          assertThat(b.getXMax()).isLessThanOrEqualTo(1f);
          assertThat(b.getYMax()).isLessThanOrEqualTo(1f);
          assertThat(b.getMass()).isBetween(0f, 1f);
        }
        assertThat(e.getModel().getVersion()).isNotEmpty();
      }
    }
  }
}
