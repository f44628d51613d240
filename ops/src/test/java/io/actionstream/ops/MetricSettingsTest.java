package io.actionstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricSettingsTest {

  /** The client names its timer threads so (prometheus-metrics-core's {@code Scheduler}). */
  private static final String TIMER_THREAD_PREFIX = "prometheus-metrics-scheduler-";

  @Test
  void metricsBuiltWithTheSettingsNeverWakeTheClientsTimerThread() throws Exception {
    assertThat(observeInAFreshJvm("settings")).isEqualTo("timer thread started: false");
  }

  @Test
  void theClientsDefaultsSampleExemplarsOnItsTimerThread() throws Exception {
    // the contrast, which shows the probe can tell: unless told otherwise the client schedules
    assertThat(observeInAFreshJvm("defaults")).isEqualTo("timer thread started: true");
  }

  /**
   * Observes a labelled histogram and counter a thousand times, as a camera's frames do, in a JVM
   * of its own: the timer thread starts once per JVM, so another test's metrics must not have
   * started it first.
   */
  private static String observeInAFreshJvm(String builders) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Observer.class.getName(), builders).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  /** The forked JVM's program: {@code settings} or {@code defaults}. */
  static final class Observer {
    public static void main(String[] args) {
      boolean settings = args[0].equals("settings");
      PrometheusRegistry registry = new PrometheusRegistry();
      Histogram histogram = (settings ? Histogram.builder(MetricSettings.WITHOUT_EXEMPLARS) : Histogram.builder()).name("decode_seconds")
          .labelNames("camera").classicUpperBounds(0.01, 0.1).classicOnly().register(registry);
      Counter counter = (settings ? Counter.builder(MetricSettings.WITHOUT_EXEMPLARS) : Counter.builder()).name("frames_total")
          .labelNames("camera").register(registry);
      for (int i = 0; i < 1000; i++) {
        histogram.labelValues("cam-" + i % 10).observe(0.005);
        counter.labelValues("cam-" + i % 10).inc();
      }
      boolean started = Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(TIMER_THREAD_PREFIX));
      System.out.println("timer thread started: " + started);
    }
  }
}
