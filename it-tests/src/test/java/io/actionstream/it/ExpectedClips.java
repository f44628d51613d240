package io.actionstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.it.backend.KafkaBackend;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The clips the inference must turn into events, worked out from the frames that reached Kafka:
 * per camera, ingest session and segment, consecutive frames in runs of the clip length (the
 * topology's rules for streams without gaps; a gap in what the test fed in fails the test here,
 * so that a lost frame is never mistaken for a lost event).
 */
final class ExpectedClips {

  /** A clip as events name it. */
  record ClipKey(String camera, String session, long firstSequence, long lastSequence) implements Comparable<ClipKey> {
    static ClipKey of(ActionEvent event) {
      return new ClipKey(event.getCameraId(), event.getSessionId(), event.getFirstSequenceNumber(), event.getLastSequenceNumber());
    }

    @Override
    public int compareTo(ClipKey o) {
      int c = (camera + "/" + session).compareTo(o.camera + "/" + o.session);
      return c != 0 ? c : Long.compare(firstSequence, o.firstSequence);
    }
  }

  private ExpectedClips() {}

  static Set<ClipKey> of(Collection<Frame> frames, int clipLength) {
    Map<String, List<Long>> runs = new LinkedHashMap<>();
    for (Frame f : frames) {
      runs.computeIfAbsent(f.getCameraId() + "\u0000" + f.getSessionId() + "\u0000" + f.getSegment(), k -> new ArrayList<>())
          .add(f.getSequenceNumber());
    }
    Set<ClipKey> clips = new TreeSet<>();
    for (Map.Entry<String, List<Long>> run : runs.entrySet()) {
      String[] id = run.getKey().split("\u0000");
      List<Long> seq = run.getValue().stream().sorted().toList();
      assertThat(seq).as("frames of camera %s session %s segment %s reached Kafka once each, in order, without gaps",
          id[0], id[1], id[2]).isEqualTo(rangeFrom(seq.get(0), seq.size())).isEqualTo(run.getValue());
      for (int i = 0; i + clipLength <= seq.size(); i += clipLength) {
        clips.add(new ClipKey(id[0], id[1], seq.get(i), seq.get(i + clipLength - 1)));
      }
    }
    return clips;
  }

  /** Exactly one event per expected clip: none lost, none duplicated, none invented. */
  static void assertExactlyOnce(List<ActionEvent> events, Set<ClipKey> expected) {
    assertThat(events.stream().map(ActionEvent::getEventId)).as("event ids").doesNotHaveDuplicates();
    List<ClipKey> clips = events.stream().map(ClipKey::of).toList();
    assertThat(clips).as("clips with more than one event")
        .doesNotHaveDuplicates();
    Set<ClipKey> seen = new TreeSet<>(clips);
    Set<ClipKey> lost = new TreeSet<>(expected);
    lost.removeAll(seen);
    Set<ClipKey> invented = new TreeSet<>(seen);
    invented.removeAll(expected);
    assertThat(lost).as("clips without an event (of %d expected)", expected.size()).isEmpty();
    assertThat(invented).as("events for clips that were not fed in").isEmpty();
  }

  /**
   * Waits until the events topic holds an event for every complete clip of the frames topic
   * (at most {@code wait}), checks that the {@code survivors} still run, and that there is
   * exactly one committed event per clip; returns the frames.
   */
  static List<Frame> awaitExactlyOnePerClip(KafkaBackend kafka, int clipLength, Duration wait, List<ChildJvm> survivors)
      throws Exception {
    List<Frame> frames = TopicSnapshot.frames(TopicSnapshot.read(kafka.clientProperties(), "frames"));
    Set<ClipKey> expected = of(frames, clipLength);
    List<ActionEvent> events = TopicSnapshot.events(TopicSnapshot.readUntil(kafka.clientProperties(), "action-events",
        r -> r.size() >= expected.size(), wait, Duration.ofSeconds(3)));
    System.out.printf("%s: %d frames, %d clips %s, %d committed events%n", kafka, frames.size(), expected.size(),
        summary(expected), events.size());
    for (ChildJvm inference : survivors) {
      assertThat(inference.isAlive()).as("the inference still runs; its log:\n%s", inference.stderr()).isTrue();
    }
    assertExactlyOnce(events, expected);
    return frames;
  }

  static String summary(Set<ClipKey> clips) {
    return clips.stream().collect(Collectors.groupingBy(ClipKey::camera, java.util.TreeMap::new, Collectors.counting())).toString();
  }

  private static List<Long> rangeFrom(long first, int count) {
    List<Long> range = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      range.add(first + i);
    }
    return range;
  }
}
