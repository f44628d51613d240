package io.actionstream.inference.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.inference.TestFrames;
import io.actionstream.inference.batch.BatchScheduler;
import io.actionstream.inference.event.EventFactory;
import io.actionstream.inference.metrics.InferenceMetrics;
import io.actionstream.inference.swap.ModelHolder;
import io.actionstream.model.attention.AttentionBoxes;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.model.runtime.TinyOnnx;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.Frame;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The clip topology on Kafka Streams' test driver, with a real (tiny, 4-frame) ONNX model. */
class InferenceTopologyTest {

  private ModelHolder models;
  private BatchScheduler scheduler;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> frames;
  private TestOutputTopic<String, byte[]> events;
  private TestOutputTopic<String, byte[]> deadLetters;
  private PrometheusRegistry registry;

  @BeforeEach
  void start() throws Exception {
    start(0);
  }

  private void start(int hop) throws Exception {
    if (driver != null) {
      stop();
    }
    registry = new PrometheusRegistry();
    InferenceMetrics metrics = new InferenceMetrics(registry);
    models = new ModelHolder(StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CPU, "tiny.onnx", StudentModel.Feed.PIXELS));
    scheduler = new BatchScheduler(models, 4, Duration.ofMillis(5), metrics);
    var topology = InferenceTopology.build(new InferenceTopology.Topics("frames", "events", "dlq"),
        new InferenceTopology.Clipping(hop, 2, 0.25, Duration.ofMillis(10), new CommitPacing(Duration.ofMillis(100))),
        new FrameValidator(4096, Duration.ofMinutes(10), Clock.systemUTC()), models, scheduler,
        new EventFactory(2, new AttentionBoxes(0.3, 3, 0.0), true), metrics,
        (partition, offsets) -> {
          // the test driver starts with empty stores: nothing is ever restored here
          throw new AssertionError("frames read back from " + partition + " though no state was restored");
        });
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver = new TopologyTestDriver(topology, props);
    frames = driver.createInputTopic("frames", new StringSerializer(), new ByteArraySerializer());
    events = driver.createOutputTopic("events", new StringDeserializer(), new ByteArrayDeserializer());
    deadLetters = driver.createOutputTopic("dlq", new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    scheduler.close();
    models.close();
    driver = null;
  }

  @Test
  void framesBecomeClipsOfTheModelsLengthAndEachClipOneEvent() throws Exception {
    send("door", "s1", 0, 0, 8);
    List<ActionEvent> out = awaitEvents(2);

    assertThat(out).extracting(ActionEvent::getFirstSequenceNumber, ActionEvent::getLastSequenceNumber)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 3L), org.assertj.core.groups.Tuple.tuple(4L, 7L));
    ActionEvent first = out.get(0);
    assertThat(first.getEventId()).isEqualTo(EventFactory.eventId("door", "s1", 0, 3));
    assertThat(first.getCameraId()).isEqualTo("door");
    assertThat(first.getLabelsList()).hasSize(2);
    assertThat(first.getLabels(0).getScore()).isGreaterThanOrEqualTo(first.getLabels(1).getScore());
    assertThat(first.getModel().getName()).isEqualTo("tiny");
    assertThat(first.getModel().getVersion()).isEqualTo("t1");
    assertThat(first.getModel().getExecutionProvider()).isEqualTo("cpu");
    assertThat(first.getBoxesCount()).isPositive();
    assertThat(first.getBoxes(0).getXMax()).isGreaterThan(first.getBoxes(0).getXMin());
    assertThat(first.getAttentionMap().getValues().size()).isEqualTo(64);
    assertThat(first.getTimings().getBatchSize()).isBetween(1, 4);
    assertThat(first.getStartTimeUs()).isLessThan(first.getEndTimeUs());
  }

  @Test
  void overlappingClipsWithAHopShorterThanTheClip() throws Exception {
    start(2);
    send("door", "s1", 0, 0, 8);
    assertThat(awaitEvents(3)).extracting(ActionEvent::getFirstSequenceNumber).containsExactly(0L, 2L, 4L);
  }

  @Test
  void aClipNeverSpansAGapARestartOrASegmentChange() throws Exception {
    send("door", "s1", 0, 0, 3);     // 0-2: abandoned at the gap
    send("door", "s1", 0, 10, 3);    // 10-12: abandoned at the new segment
    send("door", "s1", 1, 13, 2);    // 13-14: abandoned when the camera's ingest restarts
    send("door", "s2", 0, 0, 4);     // a whole clip of the new session
    List<ActionEvent> out = awaitEvents(1);

    assertThat(out).singleElement().satisfies(e -> {
      assertThat(e.getSessionId()).isEqualTo("s2");
      assertThat(e.getFirstSequenceNumber()).isZero();
      assertThat(e.getLastSequenceNumber()).isEqualTo(3);
    });
    assertThat(counter("actionstream_inference_clip_restarts_total", "gap")).isEqualTo(1);
    assertThat(counter("actionstream_inference_clip_restarts_total", "new_segment")).isEqualTo(1);
    assertThat(counter("actionstream_inference_clip_restarts_total", "new_session")).isEqualTo(1);
  }

  @Test
  void framesOutOfOrderStartAFreshClipAndRepeatedFramesAreIgnored() throws Exception {
    send("door", "s1", 0, 0, 3);
    send("door", "s1", 0, 2, 1); // repeated
    send("door", "s1", 0, 1, 1); // older than the last: restart at 1
    send("door", "s1", 0, 2, 3); // 2, 3, 4 -> clip 1-4
    assertThat(awaitEvents(1)).extracting(ActionEvent::getFirstSequenceNumber).containsExactly(1L);
    assertThat(counter("actionstream_inference_frames_ignored_total", "duplicate")).isEqualTo(1);
    assertThat(counter("actionstream_inference_clip_restarts_total", "out_of_order")).isEqualTo(1);
  }

  @Test
  void unusableRecordsGoToTheDeadLetterTopicWithTheirReasonAndGoodCamerasCarryOn() throws Exception {
    frames.pipeInput("junk", new byte[] {1, 2, 3, 4, 5});
    Frame good = TestFrames.frame("porch", "s", 0, 0);
    frames.pipeInput("porch", good.toBuilder().setCameraId("").build().toByteArray());
    frames.pipeInput("porch", good.toBuilder().setImage(com.google.protobuf.ByteString.copyFromUtf8("not a jpeg")).build().toByteArray());
    frames.pipeInput("porch", good.toBuilder().setCaptureTimeUs(Long.MAX_VALUE).build().toByteArray());
    send("door", "s1", 0, 0, 4);

    List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).extracting(r -> new String(r.headers().lastHeader(ValidationProcessor.REASON_HEADER).value(), StandardCharsets.UTF_8))
        .containsExactly("not_a_frame", "missing_camera_id", "undecodable_image", "bad_timestamp");
    assertThat(dead.get(0).value()).as("the original bytes, unchanged").containsExactly(1, 2, 3, 4, 5);
    assertThat(dead).allSatisfy(r -> assertThat(r.headers().lastHeader(ValidationProcessor.DETAIL_HEADER)).isNotNull());
    assertThat(awaitEvents(1)).extracting(ActionEvent::getCameraId).containsExactly("door");
    assertThat(counter("actionstream_inference_frames_dlq_total", "not_a_frame")).isEqualTo(1);
  }

  @Test
  void aCameraAtAnotherFrameRateThanTheModelsHasItsClipsDeadLetteredWhileOthersCarryOn() throws Exception {
    // the model was trained at 8 fps; "fast" sends 16 fps (62.5 ms apart), "edge" 9.6 fps (within 25%)
    for (long s = 0; s < 8; s++) {
      Frame f = TestFrames.frame("fast", "sf", 0, s);
      frames.pipeInput("fast", f.toBuilder().setMediaTimeUs(s * 62_500).build().toByteArray());
    }
    for (long s = 0; s < 4; s++) {
      Frame f = TestFrames.frame("edge", "se", 0, s);
      frames.pipeInput("edge", f.toBuilder().setMediaTimeUs(s * 104_167).build().toByteArray());
    }
    send("door", "s1", 0, 0, 4);
    assertThat(awaitEvents(2)).extracting(ActionEvent::getCameraId).containsExactlyInAnyOrder("door", "edge");

    List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).as("both clips of 'fast', every frame, nothing lost").hasSize(8)
        .allSatisfy(r -> {
          assertThat(r.key()).isEqualTo("fast");
          assertThat(new String(r.headers().lastHeader(ValidationProcessor.REASON_HEADER).value(), StandardCharsets.UTF_8))
              .isEqualTo("frame_rate_mismatch");
          assertThat(new String(r.headers().lastHeader(ValidationProcessor.DETAIL_HEADER).value(), StandardCharsets.UTF_8))
              .contains("16.00 fps").contains("trained at 8.00 fps");
        });
    assertThat(dead).extracting(r -> Frame.parseFrom(r.value()).getSequenceNumber()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(counter("actionstream_inference_frames_dlq_total", "frame_rate_mismatch")).isEqualTo(8);
    assertThat(labelled("actionstream_inference_frame_rate_mismatch_total", "camera", "fast")).isEqualTo(2);
    assertThat(labelled("actionstream_inference_camera_fps", "camera", "fast")).isCloseTo(16, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void camerasAreAssembledIndependently() throws Exception {
    for (long s = 0; s < 4; s++) {
      frames.pipeInput("a", TestFrames.frame("a", "sa", 0, s).toByteArray());
      frames.pipeInput("b", TestFrames.frame("b", "sb", 0, s + 100).toByteArray());
    }
    assertThat(awaitEvents(2)).extracting(ActionEvent::getCameraId, ActionEvent::getFirstSequenceNumber)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a", 0L), org.assertj.core.groups.Tuple.tuple("b", 100L));
  }

  private void send(String camera, String session, int segment, long from, int count) {
    for (long s = from; s < from + count; s++) {
      frames.pipeInput(camera, TestFrames.frame(camera, session, segment, s).toByteArray());
    }
  }

  /** Lets wall-clock time pass (for the punctuation) until {@code n} events are out, or 20 s. */
  private List<ActionEvent> awaitEvents(int n) throws Exception {
    List<ActionEvent> out = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (out.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
      driver.advanceWallClockTime(Duration.ofMillis(10));
      for (byte[] value : events.readValuesToList()) {
        out.add(ActionEvent.parseFrom(value));
      }
    }
    // nothing more may come
    Thread.sleep(100);
    driver.advanceWallClockTime(Duration.ofMillis(50));
    for (byte[] value : events.readValuesToList()) {
      out.add(ActionEvent.parseFrom(value));
    }
    return out;
  }

  private double labelled(String name, String label, String value) {
    for (var snapshot : registry.scrape()) {
      if (snapshot.getMetadata().getPrometheusName().equals(name.replace("_total", ""))) {
        for (var point : snapshot.getDataPoints()) {
          if (value.equals(point.getLabels().get(label))) {
            return point instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot c ? c.getValue()
                : ((io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot) point).getValue();
          }
        }
      }
    }
    return Double.NaN;
  }

  private double counter(String name, String reason) {
    for (var snapshot : registry.scrape()) {
      if (snapshot.getMetadata().getPrometheusName().equals(name.replace("_total", ""))) {
        for (var point : snapshot.getDataPoints()) {
          if (point.getLabels().get("reason").equals(reason)) {
            return ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) point).getValue();
          }
        }
      }
    }
    return 0;
  }
}
