package io.actionstream.inference.event;

import com.google.protobuf.ByteString;
import io.actionstream.inference.batch.ClipInference;
import io.actionstream.inference.batch.ClipTiming;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.attention.AttentionBoxes;
import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.model.clip.FrameGeometry;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.AttentionMap;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.LabelScore;
import io.actionstream.schemas.v1.ModelRef;
import io.actionstream.schemas.v1.Timings;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Builds the {@link ActionEvent} of a clip: deterministic id, time span, top-k labels, attention
 * boxes in source-frame coordinates, optionally the coarse attention map, the model, timings.
 */
public final class EventFactory {

  private final int topK;
  private final AttentionBoxes boxes;
  private final boolean includeMap;

  public EventFactory(int topK, AttentionBoxes boxes, boolean includeMap) {
    this.topK = topK;
    this.boxes = boxes;
    this.includeMap = includeMap;
  }

  /**
   * The id of the clip of {@code camera}'s {@code session} from {@code first} to {@code last}:
   * the same clip always gets the same id, so consumers can deduplicate.
   */
  public static String eventId(String camera, String session, long first, long last) {
    return UUID.nameUUIDFromBytes((camera + "|" + session + "|" + first + "|" + last).getBytes(StandardCharsets.UTF_8)).toString();
  }

  public ActionEvent create(List<Frame> frames, ClipInference inference, long nowUs) {
    Frame first = frames.get(0);
    Frame last = frames.get(frames.size() - 1);
    ModelSpec spec = inference.model();
    ActionEvent.Builder event = ActionEvent.newBuilder()
        .setEventId(eventId(first.getCameraId(), first.getSessionId(), first.getSequenceNumber(), last.getSequenceNumber()))
        .setCameraId(first.getCameraId())
        .setSessionId(first.getSessionId())
        .setFirstSequenceNumber(first.getSequenceNumber())
        .setLastSequenceNumber(last.getSequenceNumber())
        .setStartTimeUs(first.getCaptureTimeUs())
        .setEndTimeUs(last.getCaptureTimeUs());
    float[] p = inference.probabilities();
    IntStream.range(0, p.length).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> p[i]).reversed())
        .limit(topK)
        .forEach(i -> event.addLabels(LabelScore.newBuilder().setLabel(spec.labels().get(i)).setScore(p[i]).setIndex(i)));
    FrameGeometry geometry = ClipPreprocessor.geometry(last, spec);
    event.addAllBoxes(boxes.boxes(inference.attention(), 0, spec, geometry));
    if (includeMap) {
      float[] mean = AttentionBoxes.averageOverTime(inference.attention(), 0, spec.mapFrames(), spec.mapHeight(), spec.mapWidth());
      float max = 0;
      for (float v : mean) {
        max = Math.max(max, v);
      }
      event.setAttentionMap(AttentionMap.newBuilder().setWidth(spec.mapWidth()).setHeight(spec.mapHeight())
          .setValues(ByteString.copyFrom(AttentionBoxes.quantize(mean, max))).setMaxValue(max)
          // the map spans the model's input; unclamped, so a viewer can place it exactly
          .setXMin((float) geometry.xUnclamped(0)).setYMin((float) geometry.yUnclamped(0))
          .setXMax((float) geometry.xUnclamped(spec.width())).setYMax((float) geometry.yUnclamped(spec.height())));
    }
    event.setModel(ModelRef.newBuilder().setName(spec.name()).setVersion(spec.version()).setExecutionProvider(inference.provider()));
    ClipTiming timing = inference.timing();
    event.setTimings(Timings.newBuilder()
        .setInferenceMs((float) inference.batchMillis())
        .setBatchSize(inference.batchSize())
        .setCaptureToEventMs((nowUs - last.getCaptureTimeUs()) / 1000f)
        .setEventTimeUs(nowUs)
        .setCaptureToClipMs((timing.submittedUs() - last.getCaptureTimeUs()) / 1000f)
        .setNetworkWaitMs((float) timing.waitMillis())
        // the stream thread's clock is read once per loop, so it may be a little behind the answer's
        .setAnswerToEventMs(Math.max(0, nowUs - timing.answeredUs()) / 1000f));
    return event.build();
  }
}
