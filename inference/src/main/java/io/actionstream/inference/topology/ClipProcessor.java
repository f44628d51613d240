package io.actionstream.inference.topology;

import com.google.protobuf.Message;
import io.actionstream.inference.batch.BatchScheduler;
import io.actionstream.inference.batch.ClipInference;
import io.actionstream.inference.batch.ClipInput;
import io.actionstream.inference.clip.ClipAssembler;
import io.actionstream.inference.clip.ClipState.PendingClip;
import io.actionstream.inference.clip.ClipState;
import io.actionstream.inference.clip.FrameRate;
import io.actionstream.inference.event.EventFactory;
import io.actionstream.inference.image.FramePixels;
import io.actionstream.inference.image.PreparedFrames;
import io.actionstream.inference.metrics.InferenceMetrics;
import io.actionstream.inference.swap.ModelHolder;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.clip.ClipCadence;
import io.actionstream.model.frame.FrameEncodings;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts each camera's frames into clips, hands complete clips to the batch scheduler without
 * waiting, and forwards their events once the network has answered (on a wall-clock
 * punctuation, or when the next frame arrives), in clip order per camera.
 *
 * <p>One changelogged store holds what a restore needs: {@code clip-state}, per camera the clip
 * being filled and complete clips waiting for their event, each frame by sequence number and
 * offset in the frames topic. The frames themselves, with their prepared pixels, wait in memory
 * for their clip, so a JPEG is decoded once, by validation, and no frame is written to a
 * changelog a second time (which doubled the broker's bytes); after a restore they are read back
 * from the frames topic by offset ({@link FrameHistory}). A frame writes one store entry, its
 * camera's state (offsets had a store of their own, one entry per frame, written and later
 * deleted: two more changelog records per frame; a state of that version still restores). A clip
 * leaves the state in the same transaction as its event, so a crash neither loses an event (the
 * clip is still in the restored state and is submitted again) nor duplicates one (the event and
 * the removal commit together); the frames a restored state refers to are all before the
 * committed input position, so the topic still has them unless retention removed them.
 */
final class ClipProcessor implements Processor<String, Object, String, Message> {

  private static final Logger log = LoggerFactory.getLogger(ClipProcessor.class);

  /**
   * A clip with the network: its camera, place in the state, frames and the future answer; or a
   * clip refused before the network ({@code refusal} says why), whose frames go to the dead letters.
   */
  private record Pending(String camera, PendingClip clip, List<Frame> frames, CompletableFuture<ClipInference> result, String refusal) {}

  private final ClipAssembler assembler;
  private final int hop;
  private final double frameRateTolerance;
  private final Set<String> warnedFrameRate = new HashSet<>();
  private final Set<String> warnedEncoding = new HashSet<>();
  private final ModelHolder models;
  private final BatchScheduler scheduler;
  private final EventFactory events;
  private final InferenceMetrics metrics;
  private final Duration punctuation;
  private final CommitPacing commits;
  private final String framesTopic;
  private final FrameHistory history;
  private final FrameValidator validator;
  private final PreparedFrames prepared = new PreparedFrames();
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Map<String, ClipState> live = new HashMap<>();
  /**
   * Whether a clip was answered or refused since the last drain: only then can an event be
   * forwarded, so the other frames skip walking the clips that wait (hundreds in a backlog).
   */
  private final AtomicBoolean answered = new AtomicBoolean();
  /**
   * When the oldest frame taken in, or event or dead letter forwarded, since the last commit
   * request came (Kafka Streams' cached clock, ms), or -1 if none has.
   */
  private long uncommittedSinceMs = -1;
  /** When the first event or dead letter since the last commit request was forwarded, or -1 if none was. */
  private long outputSinceMs = -1;
  private long lastCommitRequestMs;
  private ProcessorContext<String, Message> context;
  private KeyValueStore<String, ClipState> states;
  private KeyValueStore<String, Long> legacyOffsets;

  ClipProcessor(ClipAssembler assembler, int hop, double frameRateTolerance, ModelHolder models, BatchScheduler scheduler,
      EventFactory events, InferenceMetrics metrics, Duration punctuation, CommitPacing commits, String framesTopic,
      FrameHistory history, FrameValidator validator) {
    this.assembler = assembler;
    this.hop = hop;
    this.frameRateTolerance = frameRateTolerance;
    this.models = models;
    this.scheduler = scheduler;
    this.events = events;
    this.metrics = metrics;
    this.punctuation = punctuation;
    this.commits = commits;
    this.framesTopic = framesTopic;
    this.history = history;
    this.validator = validator;
  }

  @Override
  public void init(ProcessorContext<String, Message> context) {
    this.context = context;
    // this stream thread feeds the network and turns its answers into events: ahead of the ingest
    // and the broker, behind the network (a task may move to another thread, which then gets it)
    models.current().priority().applyToFeederThread();
    this.states = context.getStateStore(InferenceTopology.STATE_STORE);
    this.legacyOffsets = context.getStateStore(InferenceTopology.LEGACY_OFFSET_STORE);
    context.schedule(punctuation, PunctuationType.WALL_CLOCK_TIME, now -> drain());
    // A state restored after a crash or a rebalance: its frames come back from the topic, and
    // its complete clips go to the network again.
    Map<String, ClipState> restored = new LinkedHashMap<>();
    try (KeyValueIterator<String, ClipState> all = states.all()) {
      all.forEachRemaining(entry -> restored.put(entry.key, entry.value));
    }
    adoptLegacyOffsets(restored);
    if (restored.isEmpty()) {
      return;
    }
    readBack(restored);
    restored.forEach((camera, state) -> state.ready().forEach(clip -> submit(camera, clip)));
  }

  /**
   * States written by the version that kept offsets in a store of their own take their offsets
   * from it; the store is then emptied (nothing writes it any more).
   */
  private void adoptLegacyOffsets(Map<String, ClipState> restored) {
    List<String> legacyKeys = new ArrayList<>();
    try (KeyValueIterator<String, Long> all = legacyOffsets.all()) {
      all.forEachRemaining(entry -> legacyKeys.add(entry.key));
    }
    if (legacyKeys.isEmpty()) {
      return;
    }
    restored.forEach((camera, state) -> {
      if (state.fillUnknownOffsets((session, sequence) -> legacyOffsets.get(frameKey(camera, session, sequence)))) {
        store(camera, state);
      }
    });
    legacyKeys.forEach(legacyOffsets::delete);
    log.info("Task {}: took the frame offsets of {} camera(s) from the store {} of an older version, and emptied it",
        context.taskId(), restored.size(), InferenceTopology.LEGACY_OFFSET_STORE);
  }

  /** Reads the frames the restored states refer to back from the frames topic, into memory. */
  private void readBack(Map<String, ClipState> restored) {
    Map<Long, String> keysByOffset = new HashMap<>();
    restored.forEach((camera, state) -> {
      List<PendingClip> held = new ArrayList<>(state.ready());
      held.add(state.partialClip());
      for (PendingClip clip : held) {
        for (int i = 0; i < clip.sequences().size(); i++) {
          long offset = clip.offsets().get(i);
          if (offset != ClipState.UNKNOWN_OFFSET) {
            keysByOffset.put(offset, frameKey(camera, clip.sessionId(), clip.sequences().get(i)));
          }
        }
      }
    });
    TopicPartition partition = new TopicPartition(framesTopic, context.taskId().partition());
    Map<Long, byte[]> records = history.read(partition, new TreeSet<>(keysByOffset.keySet()));
    ModelSpec spec = models.current().spec();
    records.forEach((offset, value) -> {
      String key = keysByOffset.get(offset);
      FrameValidator.Result result = validator.validate(key.substring(0, key.indexOf('\u0000')), value);
      if (result.valid()) {
        try (DecodedFrame decoded = new DecodedFrame(result.frame(), result.image())) {
          prepared.arrived(key, decoded, spec);
        }
      }
    });
    log.info("Task {}: restored the clip state of {} camera(s); read back {} of their {} frames from {}", context.taskId(),
        restored.size(), prepared.size(), keysByOffset.size(), partition);
  }

  @Override
  public void process(Record<String, Object> record) {
    uncommitted();
    try (DecodedFrame decoded = ValidationProcessor.decodedOf(record.value())) {
      add(record.key(), decoded);
    }
    drain();
  }

  private void add(String camera, DecodedFrame decoded) {
    Frame frame = decoded.frame();
    ClipState stored = state(camera);
    ClipState state = stored != null ? stored : new ClipState();
    List<Long> before = new ArrayList<>(state.partial());
    String beforeSession = state.sessionId();
    int clipFrames = models.current().spec().frames();
    int readyBefore = state.ready().size();
    long offset = context.recordMetadata().orElseThrow().offset();
    ClipAssembler.Outcome outcome = assembler.add(state, frame.getSessionId(), frame.getSegment(), frame.getSequenceNumber(),
        offset, ClipCadence.of(clipFrames, hop));
    if (outcome == ClipAssembler.Outcome.DUPLICATE) {
      metrics.ignored("duplicate");
      return;
    }
    switch (outcome) {
      case NEW_SESSION, NEW_SEGMENT, GAP, OUT_OF_ORDER -> {
        if (!before.isEmpty()) {
          metrics.clipRestarted(outcome.name().toLowerCase(Locale.ROOT));
        }
      }
      default -> {
        // appended, first frame or a completed clip: nothing was thrown away
      }
    }
    String key = frameKey(camera, frame.getSessionId(), frame.getSequenceNumber());
    prepared.arrived(key, decoded, models.current().spec());
    forgetUnreferenced(camera, state, beforeSession, before);
    store(camera, state);
    for (PendingClip clip : state.ready().subList(readyBefore, state.ready().size())) {
      submit(camera, clip);
    }
  }

  private void submit(String camera, PendingClip clip) {
    String id = EventFactory.eventId(camera, clip.sessionId(), clip.first(), clip.last());
    if (pending.containsKey(id)) {
      return;
    }
    List<Frame> clipFrames = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    try {
      for (long sequence : clip.sequences()) {
        String key = frameKey(camera, clip.sessionId(), sequence);
        Frame frame = prepared.frame(key);
        if (frame == null) {
          throw new IllegalStateException("frame " + sequence + " is no longer in topic " + framesTopic
              + " (its retention is shorter than a clip's restore needs?)");
        }
        clipFrames.add(frame);
        keys.add(key);
      }
      ModelSpec spec = models.current().spec();
      warnOnceIfEncodingDiffers(camera, clipFrames.get(0), spec);
      double fps = FrameRate.of(clipFrames);
      if (!Double.isNaN(fps)) {
        metrics.cameraFrameRate(camera, fps);
      }
      if (!FrameRate.matches(fps, spec.fps(), frameRateTolerance)) {
        String why = String.format(Locale.ROOT, "clip %d-%d was taken at %.2f fps; model %s %s was trained at %.2f fps (tolerance %.0f%%)",
            clip.first(), clip.last(), fps, spec.name(), spec.version(), spec.fps(), 100 * frameRateTolerance);
        if (warnedFrameRate.add(camera)) {
          log.warn("Camera '{}': {}; its clips go to the dead-letter topic until its rate matches: set the camera's fps in the "
              + "ingest to {} (further clips of this camera are counted in actionstream_inference_frame_rate_mismatch_total, "
              + "not logged)", camera, why, spec.fps());
        }
        metrics.frameRateMismatch(camera);
        pending.put(id, new Pending(camera, clip, clipFrames, null, why));
        answered.set(true);
        return;
      }
      List<FramePixels> pixels = clipFrames.size() == spec.frames() ? prepared.pixels(keys, clipFrames, spec) : null;
      CompletableFuture<ClipInference> result = scheduler.submit(new ClipInput(clipFrames, pixels, spec));
      pending.put(id, new Pending(camera, clip, clipFrames, result, null));
      // on the batcher's thread, or at once if it has already answered
      result.whenComplete((inference, failure) -> answered.set(true));
      metrics.clip();
    } catch (RuntimeException e) {
      log.error("Camera '{}': clip {}-{} cannot be prepared ({}); dropping it", camera, clip.first(), clip.last(), e.getMessage());
      metrics.clipFailed();
      finish(camera, clip);
    }
  }

  /** A model trained on other frames than a camera sends may be less accurate there: say so, once per camera. */
  private void warnOnceIfEncodingDiffers(String camera, Frame frame, ModelSpec spec) {
    if (!FrameEncodings.sameFitting(spec.frameEncoding(), frame) && warnedEncoding.add(camera)) {
      log.warn("Camera '{}' sends {}x{} frames ({}, {}); model {} {} was trained on {}x{} ({}, {}) frames: its accuracy may be "
          + "lower on this camera (set the camera's width, height, resize and encoding in the ingest to match)", camera,
          frame.getWidth(), frame.getHeight(), frame.getResizeMode(), frame.getEncoding(), spec.name(), spec.version(),
          spec.frameEncoding().getWidth(), spec.frameEncoding().getHeight(), spec.frameEncoding().getResizeMode(),
          spec.frameEncoding().getEncoding());
    }
  }

  /**
   * Forwards the events of answered clips, keeping each camera's clips in order, and asks for a
   * commit when {@link CommitPacing} says it is due.
   */
  private void drain() {
    if (answered.getAndSet(false)) {
      forwardAnswered();
    }
    if (uncommittedSinceMs < 0) {
      return;
    }
    long now = context.currentSystemTimeMs();
    long outputMs = outputSinceMs < 0 ? -1 : now - outputSinceMs;
    if (commits.due(now - uncommittedSinceMs, outputMs, now - lastCommitRequestMs, !scheduler.idle())) {
      context.commit();
      lastCommitRequestMs = now;
      uncommittedSinceMs = -1;
      outputSinceMs = -1;
    }
  }

  /** Something the next commit takes: a frame taken in. */
  private void uncommitted() {
    if (uncommittedSinceMs < 0) {
      uncommittedSinceMs = context.currentSystemTimeMs();
    }
  }

  /** Something a consumer waits to see: an event or a dead letter forwarded. */
  private void output() {
    uncommitted();
    if (outputSinceMs < 0) {
      outputSinceMs = context.currentSystemTimeMs();
    }
  }

  private void forwardAnswered() {
    Set<String> blocked = new HashSet<>();
    Iterator<Pending> it = pending.values().iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (blocked.contains(p.camera())) {
        continue;
      }
      if (p.refusal() != null) {
        it.remove();
        deadLetter(p);
        finish(p.camera(), p.clip());
        output();
        continue;
      }
      if (!p.result().isDone()) {
        blocked.add(p.camera());
        continue;
      }
      it.remove();
      try {
        ClipInference inference = p.result().join();
        long nowUs = context.currentSystemTimeMs() * 1_000;
        ActionEvent event = events.create(p.frames(), inference, nowUs);
        Frame last = p.frames().get(p.frames().size() - 1);
        context.forward(new Record<String, Message>(p.camera(), event, last.getCaptureTimeUs() / 1_000), InferenceTopology.EVENTS);
        output();
        metrics.event(event.getCameraId(), event.getLabels(0).getLabel(), event.getTimings().getCaptureToEventMs() / 1000.0);
      } catch (RuntimeException e) {
        log.error("Camera '{}': clip {}-{} failed in the network ({}); dropping it", p.camera(), p.clip().first(),
            p.clip().last(), e.getMessage());
        metrics.clipFailed();
      }
      finish(p.camera(), p.clip());
    }
  }

  /** Sends a refused clip's frames to the dead-letter topic, each with the reason. */
  private void deadLetter(Pending p) {
    for (Frame frame : p.frames()) {
      Record<String, Message> dead = new Record<>(p.camera(), frame, frame.getCaptureTimeUs() / 1_000);
      dead.headers().add(ValidationProcessor.REASON_HEADER, DlqReason.FRAME_RATE_MISMATCH.label().getBytes(StandardCharsets.UTF_8));
      dead.headers().add(ValidationProcessor.DETAIL_HEADER, p.refusal().getBytes(StandardCharsets.UTF_8));
      context.forward(dead, InferenceTopology.CLIP_DEAD_LETTERS);
      metrics.deadLettered(DlqReason.FRAME_RATE_MISMATCH.label());
    }
  }

  /** Takes a clip out of the camera's state and deletes frames nothing needs any more. */
  private void finish(String camera, PendingClip clip) {
    ClipState state = state(camera);
    if (state == null) {
      return;
    }
    state.ready().removeIf(r -> r.sessionId().equals(clip.sessionId()) && r.first() == clip.first() && r.last() == clip.last());
    forgetUnreferenced(camera, state, clip.sessionId(), clip.sequences());
    store(camera, state);
  }

  /**
   * The camera's state: from memory once read (this processor is its store's only writer, so the
   * copy in memory is the stored one; reading it back parsed it on every frame).
   */
  private ClipState state(String camera) {
    ClipState state = live.get(camera);
    if (state == null) {
      state = states.get(camera);
      if (state != null) {
        live.put(camera, state);
      }
    }
    return state;
  }

  private void store(String camera, ClipState state) {
    states.put(camera, state);
    live.put(camera, state);
  }

  private void forgetUnreferenced(String camera, ClipState state, String session, List<Long> sequences) {
    for (long sequence : sequences) {
      if (!state.references(session, sequence)) {
        prepared.remove(frameKey(camera, session, sequence));
      }
    }
  }

  /**
   * A frame's key in memory (and in the offsets store of older versions): camera, session and the sequence number
   * zero-padded to 20 characters, so keys sort by sequence (the form {@code String.format("%020d")}
   * gives, built by hand: formatting with a pattern took a tenth of the stream threads' CPU).
   */
  static String frameKey(String camera, String session, long sequence) {
    String digits = Long.toString(sequence);
    StringBuilder key = new StringBuilder(camera.length() + session.length() + 22).append(camera).append('\u0000').append(session)
        .append('\u0000');
    int start = 0;
    if (sequence < 0) {
      key.append('-');
      start = 1;
    }
    for (int pad = 20 - digits.length(); pad > 0; pad--) {
      key.append('0');
    }
    return key.append(digits, start, digits.length()).toString();
  }

  @Override
  public void close() {
    // Answers still on their way are dropped; their clips stay in the state and are submitted
    // again by whichever instance takes the task over.
    pending.clear();
    prepared.close();
  }
}
