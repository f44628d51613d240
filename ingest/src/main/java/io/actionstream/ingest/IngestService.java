package io.actionstream.ingest;

import io.actionstream.ingest.camera.CameraException;
import io.actionstream.ingest.camera.CameraSource;
import io.actionstream.ingest.camera.FfmpegCameraSource;
import io.actionstream.ingest.config.CameraConfig;
import io.actionstream.ingest.config.IngestConfig;
import io.actionstream.ingest.metrics.IngestMetrics;
import io.actionstream.ingest.publish.FramePublisher;
import io.actionstream.model.clip.FrameDeferral;
import io.actionstream.ops.HealthCheck;
import io.actionstream.ops.OpsServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service: every configured camera on its own thread, one shared idempotent producer
 * to the frames topic, and a Prometheus endpoint.
 *
 * <p>{@link #start} fails fast: if Kafka cannot be reached or any camera cannot be opened, it
 * releases what it had opened and throws, naming the camera and its URI. Once running, files
 * end (or loop) and live sources reconnect on their own; {@link #close} stops all cameras and
 * waits until every handed-over frame has been acknowledged.
 *
 * <p>Probes: always live while it answers (cameras reconnect by themselves); ready when the
 * producer is connected to a broker and at least one camera is open.
 */
public final class IngestService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IngestService.class);

  private final List<CameraWorker> workers;
  private final FramePublisher publisher;
  private final PrometheusRegistry registry;
  private final OpsServer metricsServer;

  private IngestService(
      List<CameraWorker> workers,
      FramePublisher publisher,
      PrometheusRegistry registry,
      OpsServer metricsServer) {
    this.workers = workers;
    this.publisher = publisher;
    this.registry = registry;
    this.metricsServer = metricsServer;
  }

  /** Starts ingesting with FFmpeg camera sources. */
  public static IngestService start(IngestConfig config) throws CameraException {
    return start(config, ffmpeg(), null);
  }

  /**
   * Starts ingesting with FFmpeg camera sources into a network in this same process: the frames
   * that complete no clip wait while it is busy ({@link FrameDeferral}).
   */
  public static IngestService start(IngestConfig config, FrameDeferral network) throws CameraException {
    return start(config, ffmpeg(), network);
  }

  /** Starts ingesting with camera sources made by {@code sources}. */
  public static IngestService start(
      IngestConfig config, Function<CameraConfig, CameraSource> sources) throws CameraException {
    return start(config, sources, null);
  }

  private static Function<CameraConfig, CameraSource> ffmpeg() {
    return camera -> new FfmpegCameraSource(camera.id(), camera.uri(), camera.settings().options(),
        camera.settings().decoderThreads());
  }

  /**
   * Starts ingesting with camera sources made by {@code sources}, deferring frames to {@code
   * network} (null: no network in this process).
   */
  public static IngestService start(
      IngestConfig config, Function<CameraConfig, CameraSource> sources, FrameDeferral network) throws CameraException {
    PrometheusRegistry registry = new PrometheusRegistry();
    IngestMetrics metrics = new IngestMetrics(registry);
    FramePublisher publisher =
        FramePublisher.connect(config.kafka(), config.topic(), config.topicPartitions());
    List<CameraWorker> workers = new ArrayList<>();
    OpsServer server = null;
    try {
      for (CameraConfig camera : config.cameras()) {
        CameraWorker worker =
            new CameraWorker(camera, sources.apply(camera), publisher, metrics.camera(camera.id()), network);
        workers.add(worker);
        worker.open();
      }
      if (!config.metricsPorts().off()) {
        server = OpsServer.start(config.metricsPorts(), registry, HealthCheck.OK, readiness(publisher, workers));
      }
    } catch (CameraException | RuntimeException e) {
      workers.forEach(CameraWorker::release);
      publisher.close();
      throw e;
    } catch (IOException e) {
      workers.forEach(CameraWorker::release);
      publisher.close();
      throw new UncheckedIOException(
          "metricsPort: cannot serve metrics: " + e.getMessage(), e);
    }
    // camera i of n starts i/n of the stagger after the first
    for (int i = 0; i < workers.size(); i++) {
      workers.get(i).start(config.stagger().multipliedBy(i).dividedBy(workers.size()));
    }
    IngestService service = new IngestService(List.copyOf(workers), publisher, registry, server);
    log.info(
        "Ingesting {} camera(s) into topic '{}' at {}{}{}{}",
        workers.size(),
        config.topic(),
        config.bootstrapServers(),
        config.stagger().isZero() ? "" : ", their starts spread over " + config.stagger().toMillis() + " ms",
        network == null ? "" : ", frames that complete no clip held while the network in this process is busy",
        server != null ? "; metrics at http://localhost:" + server.port() + "/metrics, probes at " + OpsServer.LIVE + " and "
            + OpsServer.READY : "");
    return service;
  }

  private static HealthCheck readiness(FramePublisher publisher, List<CameraWorker> workers) {
    return () -> {
      if (!publisher.connected()) {
        return Optional.of("the producer has no connection to a Kafka broker");
      }
      if (workers.stream().noneMatch(w -> w.status().up())) {
        return Optional.of("no camera is open (" + workers.size() + " configured; see the log for why)");
      }
      return Optional.empty();
    };
  }

  /**
   * Waits until every camera has finished (files that ended); live and looping cameras never
   * finish on their own. Returns whether all finished within {@code timeout}.
   */
  public boolean awaitCompletion(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (CameraWorker worker : workers) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !worker.awaitFinished(Duration.ofNanos(left))) {
        return false;
      }
    }
    publisher.flush();
    return true;
  }

  public List<CameraStatus> status() {
    return workers.stream().map(CameraWorker::status).toList();
  }

  /** Port of the metrics endpoint, or -1 when it is disabled. */
  public int metricsPort() {
    return metricsServer != null ? metricsServer.port() : -1;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    workers.forEach(CameraWorker::stop);
    for (CameraWorker worker : workers) {
      try {
        if (!worker.awaitFinished(Duration.ofSeconds(15))) {
          log.warn("{} did not stop within 15 s", worker.status().cameraId());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    // close() waits (bounded) for what was handed over; flush() would wait without a bound.
    publisher.close();
    if (metricsServer != null) {
      metricsServer.close();
    }
    log.info("Ingest stopped");
  }
}
