package io.actionstream.ingest.metrics;

import io.actionstream.ops.MetricSettings;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The Prometheus metrics of the ingest service, all labelled by camera. Registered on a registry
 * owned by the caller (never the global default), so that several services or tests can live in
 * one JVM.
 *
 * <p>Names: {@code actionstream_ingest_frames_grabbed_total}, {@code _frames_sent_total}, {@code
 * _frames_dropped_total{reason}}, {@code _reconnects_total}, {@code _camera_up}, {@code
 * _decode_seconds}, {@code _encode_seconds} and {@code _publish_latency_seconds}.
 */
public final class IngestMetrics {

  /** Why a grabbed frame was not published. */
  public enum DropReason {
    /** Not needed to reach the target frame rate. */
    SAMPLING,
    /** JPEG encoding failed. */
    ENCODE_FAILED,
    /** Kafka did not accept the frame (after the producer's own retries). */
    PUBLISH_FAILED,
    /**
     * The ingest stopped while the frame waited for room in the producer's buffer (Kafka slower
     * than the cameras, or unreachable).
     */
    STOPPED;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final double[] DECODE_BUCKETS = {
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1
  };
  private static final double[] LATENCY_BUCKETS = {
    0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10
  };

  private final Counter grabbed;
  private final Counter sent;
  private final Counter dropped;
  private final Counter reconnects;
  private final Counter deferred;
  private final Counter deferredSeconds;
  private final Gauge up;
  private final Histogram decode;
  private final Histogram encode;
  private final Histogram publishLatency;

  public IngestMetrics(PrometheusRegistry registry) {
    grabbed = perCamera("actionstream_ingest_frames_grabbed_total", "Frames decoded from the camera, before sampling")
        .register(registry);
    sent = perCamera("actionstream_ingest_frames_sent_total", "Frames acknowledged by Kafka").register(registry);
    dropped = perCamera("actionstream_ingest_frames_dropped_total",
        "Grabbed frames not published, by reason (sampling, encode_failed, publish_failed, stopped)", "reason").register(registry);
    reconnects = perCamera("actionstream_ingest_reconnects_total", "Times a live camera was reopened after its stream dropped")
        .register(registry);
    deferred = perCamera("actionstream_ingest_frames_deferred_total",
        "Frames completing no clip held back while the network in this process was busy").register(registry);
    deferredSeconds = perCamera("actionstream_ingest_deferred_seconds_total", "Time the deferred frames were held, in all")
        .unit(Unit.SECONDS).register(registry);
    up =
        Gauge.builder(MetricSettings.WITHOUT_EXEMPLARS)
            .name("actionstream_ingest_camera_up")
            .help("1 while the camera's stream is open, 0 while it is down or finished")
            .labelNames("camera")
            .register(registry);
    decode =
        Histogram.builder(MetricSettings.WITHOUT_EXEMPLARS)
            .name("actionstream_ingest_decode_seconds")
            .help("Time to read, decode and scale one frame")
            .unit(Unit.SECONDS)
            .labelNames("camera")
            .classicUpperBounds(DECODE_BUCKETS)
            .classicOnly()
            .register(registry);
    encode =
        Histogram.builder(MetricSettings.WITHOUT_EXEMPLARS)
            .name("actionstream_ingest_encode_seconds")
            .help("Time to crop or pad and JPEG-encode one frame")
            .unit(Unit.SECONDS)
            .labelNames("camera")
            .classicUpperBounds(DECODE_BUCKETS)
            .classicOnly()
            .register(registry);
    publishLatency =
        Histogram.builder(MetricSettings.WITHOUT_EXEMPLARS)
            .name("actionstream_ingest_publish_latency_seconds")
            .help("Time from handing a frame to the Kafka producer to its acknowledgement")
            .unit(Unit.SECONDS)
            .labelNames("camera")
            .classicUpperBounds(LATENCY_BUCKETS)
            .classicOnly()
            .register(registry);
  }

  /** A counter labelled by camera, then by {@code moreLabels}. */
  private static Counter.Builder perCamera(String name, String help, String... moreLabels) {
    String[] labels = new String[moreLabels.length + 1];
    labels[0] = "camera";
    System.arraycopy(moreLabels, 0, labels, 1, moreLabels.length);
    return Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name(name).help(help).labelNames(labels);
  }

  /** The metrics of one camera, with its label values bound once. */
  public CameraMetrics camera(String cameraId) {
    CameraMetrics metrics = new CameraMetrics(cameraId, this);
    // Show the drop reasons at zero from the start, so rate() works from the first scrape.
    for (DropReason reason : DropReason.values()) {
      dropped.labelValues(cameraId, reason.label());
    }
    return metrics;
  }

  /** Label-bound handles for one camera; cheap to call on every frame. */
  public static final class CameraMetrics {
    private final String cameraId;
    private final IngestMetrics metrics;
    private final io.prometheus.metrics.core.datapoints.CounterDataPoint grabbed;
    private final io.prometheus.metrics.core.datapoints.CounterDataPoint sent;
    private final io.prometheus.metrics.core.datapoints.CounterDataPoint reconnects;
    private final io.prometheus.metrics.core.datapoints.CounterDataPoint deferred;
    private final io.prometheus.metrics.core.datapoints.CounterDataPoint deferredSeconds;
    private final io.prometheus.metrics.core.datapoints.GaugeDataPoint up;
    private final io.prometheus.metrics.core.datapoints.DistributionDataPoint decode;
    private final io.prometheus.metrics.core.datapoints.DistributionDataPoint encode;
    private final io.prometheus.metrics.core.datapoints.DistributionDataPoint publishLatency;

    private CameraMetrics(String cameraId, IngestMetrics metrics) {
      this.cameraId = cameraId;
      this.metrics = metrics;
      grabbed = metrics.grabbed.labelValues(cameraId);
      sent = metrics.sent.labelValues(cameraId);
      reconnects = metrics.reconnects.labelValues(cameraId);
      deferred = metrics.deferred.labelValues(cameraId);
      deferredSeconds = metrics.deferredSeconds.labelValues(cameraId);
      up = metrics.up.labelValues(cameraId);
      decode = metrics.decode.labelValues(cameraId);
      encode = metrics.encode.labelValues(cameraId);
      publishLatency = metrics.publishLatency.labelValues(cameraId);
    }

    public void grabbed(long decodeNanos) {
      grabbed.inc();
      decode.observe(decodeNanos / 1e9);
    }

    public void encoded(long encodeNanos) {
      encode.observe(encodeNanos / 1e9);
    }

    public void sent(long latencyNanos) {
      sent.inc();
      publishLatency.observe(latencyNanos / 1e9);
    }

    public void dropped(DropReason reason) {
      metrics.dropped.labelValues(cameraId, reason.label()).inc();
    }

    public void deferred(long heldNanos) {
      deferred.inc();
      deferredSeconds.inc(heldNanos / 1e9);
    }

    public void reconnected() {
      reconnects.inc();
    }

    public void up(boolean isUp) {
      up.set(isUp ? 1 : 0);
    }
  }
}
