package io.actionstream.ops;

import io.prometheus.metrics.config.MetricsProperties;
import io.prometheus.metrics.config.PrometheusProperties;

/**
 * The Prometheus client settings every actionstream counter, histogram and gauge is built with:
 * no exemplars. Nothing here runs a tracer, so an exemplar could only carry a bare value, and sampling
 * them is not free: the client schedules a task on its own timer thread as it samples, and the
 * ingest observes several histograms per frame of every camera. In a scratch measurement at 108
 * cameras' rate (864 frames/s, four observations per frame) that cost about 1.8 us per frame on the
 * camera's thread and 2.6 us on the client's timer thread; a {@code perf} profile of a synchronized
 * burst put the timer thread at 1.6% of the process's CPU (README, speed targets round 19).
 * The JVM's metrics, which observe once per garbage collection, keep the client's defaults.
 */
public final class MetricSettings {

  /** Pass to {@code Counter.builder(...)}, {@code Histogram.builder(...)} and {@code Gauge.builder(...)}. */
  public static final PrometheusProperties WITHOUT_EXEMPLARS = PrometheusProperties.builder()
      .defaultMetricsProperties(MetricsProperties.builder().exemplarsEnabled(false).build())
      .build();

  private MetricSettings() {}
}
