package io.actionstream.inference.metrics;

import io.actionstream.ops.MetricSettings;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Collection;

/**
 * The Prometheus metrics of the inference service, on a registry owned by the caller: frames
 * consumed, dead-lettered (by reason) and ignored, clips and clip restarts (by reason), batch
 * sizes, batch and capture-to-event latencies, events by top label and by camera, and which model and
 * execution provider serve, with swaps and refusals.
 */
public final class InferenceMetrics {

  private static final double[] LATENCY = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5};
  private static final double[] BATCH = {1, 2, 4, 8, 16, 32, 64};

  private final Counter framesConsumed;
  private final Counter framesDeadLettered;
  private final Counter framesIgnored;
  private final Counter clips;
  private final Counter clipRestarts;
  private final Counter clipFailures;
  private final Histogram batchSize;
  private final Histogram batchLatency;
  private final Histogram captureToEvent;
  private final Counter events;
  private final Counter cameraEvents;
  private final Gauge modelInfo;
  private final Counter swaps;
  private final Counter refusals;
  private final Gauge cameraFrameRate;
  private final Counter frameRateMismatches;

  public InferenceMetrics(PrometheusRegistry registry) {
    framesConsumed = Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_frames_consumed_total")
        .help("Records read from the frames topic").register(registry);
    framesDeadLettered = Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_frames_dlq_total")
        .help("Frames sent to the dead-letter topic, by reason").labelNames("reason").register(registry);
    framesIgnored = Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_frames_ignored_total")
        .help("Valid frames not used, by reason (duplicate)").labelNames("reason").register(registry);
    clips = Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_clips_total")
        .help("Complete clips handed to the network").register(registry);
    clipRestarts = Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_clip_restarts_total")
        .help("Clips abandoned and restarted at a discontinuity, by reason (gap, new_session, new_segment, out_of_order)")
        .labelNames("reason").register(registry);
    clipFailures = Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_clip_failures_total")
        .help("Clips the network could not run on (dropped)").register(registry);
    batchSize = Histogram.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_batch_size")
        .help("Clips per network run").classicUpperBounds(BATCH).classicOnly().register(registry);
    batchLatency = Histogram.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_batch_seconds").unit(Unit.SECONDS)
        .help("Time of one network run (a whole batch)").classicUpperBounds(LATENCY).classicOnly().register(registry);
    captureToEvent = Histogram.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_capture_to_event_seconds").unit(Unit.SECONDS)
        .help("From the capture of a clip's last frame to its event").classicUpperBounds(LATENCY).classicOnly().register(registry);
    events = Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_events_total")
        .help("Action events published, by top label").labelNames("label").register(registry);
    // by camera as well as by label: "a camera without events" is an alert, and cameras are few
    cameraEvents = Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_camera_events_total")
        .help("Action events published, by camera").labelNames("camera").register(registry);
    modelInfo = Gauge.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_model_info")
        .help("1 for the model in service, with its name, version and execution provider")
        .labelNames("model", "version", "provider").register(registry);
    swaps = Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_model_swaps_total")
        .help("Models taken into service after the first").register(registry);
    refusals = Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_model_refused_total")
        .help("Model releases refused, by reason").labelNames("reason").register(registry);
    cameraFrameRate = Gauge.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_camera_fps")
        .help("Frame rate of each camera's last complete clip, frames per second").labelNames("camera").register(registry);
    frameRateMismatches = Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_inference_frame_rate_mismatch_total")
        .help("Clips refused because their frame rate is not the model's, by camera").labelNames("camera").register(registry);
  }

  /**
   * Shows every known dead-letter and refusal reason at 0 before its first occurrence, so that
   * rates, dashboards and alerts see a series from the start rather than "no data".
   */
  public InferenceMetrics knownReasons(Collection<String> deadLetterReasons, Collection<String> refusalReasons) {
    deadLetterReasons.forEach(framesDeadLettered::labelValues);
    refusalReasons.forEach(refusals::labelValues);
    return this;
  }

  public void frameConsumed() {
    framesConsumed.inc();
  }

  public void deadLettered(String reason) {
    framesDeadLettered.labelValues(reason).inc();
  }

  public void ignored(String reason) {
    framesIgnored.labelValues(reason).inc();
  }

  public void clip() {
    clips.inc();
  }

  public void clipRestarted(String reason) {
    clipRestarts.labelValues(reason).inc();
  }

  public void clipFailed() {
    clipFailures.inc();
  }

  public void batch(int size, double seconds) {
    batchSize.observe(size);
    batchLatency.observe(seconds);
  }

  public void event(String camera, String topLabel, double captureToEventSeconds) {
    events.labelValues(topLabel).inc();
    cameraEvents.labelValues(camera).inc();
    captureToEvent.observe(captureToEventSeconds);
  }

  /** Marks which model serves; the previous one's line drops to 0. */
  public void serving(String model, String version, String provider, String previousVersion, String previousProvider) {
    if (previousVersion != null) {
      modelInfo.labelValues(model, previousVersion, previousProvider).set(0);
      swaps.inc();
    }
    modelInfo.labelValues(model, version, provider).set(1);
  }

  public void cameraFrameRate(String camera, double fps) {
    cameraFrameRate.labelValues(camera).set(fps);
  }

  public void frameRateMismatch(String camera) {
    frameRateMismatches.labelValues(camera).inc();
  }

  public void refused(String reason) {
    refusals.labelValues(reason).inc();
  }
}
