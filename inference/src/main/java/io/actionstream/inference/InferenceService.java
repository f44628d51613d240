package io.actionstream.inference;

import io.actionstream.inference.batch.BatchScheduler;
import io.actionstream.inference.event.EventFactory;
import io.actionstream.inference.metrics.InferenceMetrics;
import io.actionstream.inference.swap.ArtifactFetcher;
import io.actionstream.inference.swap.ModelHolder;
import io.actionstream.inference.swap.ReleaseWatcher;
import io.actionstream.inference.topology.CommitPacing;
import io.actionstream.inference.topology.DlqReason;
import io.actionstream.inference.topology.FrameValidator;
import io.actionstream.inference.topology.InferenceTopology;
import io.actionstream.inference.topology.KafkaFrameHistory;
import io.actionstream.model.ModelRefusedException;
import io.actionstream.model.RefusalReason;
import io.actionstream.model.attention.AttentionBoxes;
import io.actionstream.model.clip.ClipCadence;
import io.actionstream.model.clip.FrameDeferral;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.ops.HealthCheck;
import io.actionstream.ops.OpsServer;
import io.actionstream.schemas.v1.ModelRelease;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference service: the clip topology on Kafka Streams with exactly-once processing, the
 * student in ONNX Runtime behind a batcher, the model-releases watcher for hot swaps, and a
 * Prometheus endpoint (service metrics, Kafka Streams client metrics, JVM metrics).
 *
 * <p>Scaling out: run more instances with the same application id; Kafka Streams spreads the
 * frames topic's partitions (that is, the cameras) over them. More partitions than instances
 * times stream threads leaves room to grow.
 *
 * <p>Probes: live unless Kafka Streams has failed or is shutting down; ready when Kafka Streams
 * is RUNNING (not starting or rebalancing) and a model is loaded.
 */
public final class InferenceService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InferenceService.class);
  private static final Duration STARTUP = Duration.ofSeconds(60);
  /** Longest a restoring task reads its clips' frames back from the frames topic. */
  private static final Duration FRAME_HISTORY_TIMEOUT = Duration.ofSeconds(30);
  /**
   * How soon a stream thread turns the network's answers into events when no frame comes: its
   * wall-clock punctuation, and the longest it blocks in a poll for frames. A punctuation runs
   * only between polls, and Kafka Streams' own poll time (100 ms) held answers that long whenever
   * the frames paused, as between the frame instants of cameras started together.
   */
  private static final Duration ANSWER_DRAIN_INTERVAL = Duration.ofMillis(10);

  private final KafkaStreams streams;
  private final ModelHolder models;
  private final BatchScheduler scheduler;
  private final ReleaseWatcher watcher;
  private final PrometheusRegistry registry;
  private final PrometheusMeterRegistry meters;
  private final OpsServer metricsServer;
  private final Path temporaryStateDir;
  private final int hop;

  private InferenceService(KafkaStreams streams, ModelHolder models, BatchScheduler scheduler, ReleaseWatcher watcher,
      PrometheusRegistry registry, PrometheusMeterRegistry meters, OpsServer metricsServer, Path temporaryStateDir, int hop) {
    this.streams = streams;
    this.models = models;
    this.scheduler = scheduler;
    this.watcher = watcher;
    this.registry = registry;
    this.meters = meters;
    this.metricsServer = metricsServer;
    this.temporaryStateDir = temporaryStateDir;
    this.hop = hop;
  }

  /** Starts the service; fails (naming the reason) if the model cannot serve or Kafka cannot be reached. */
  public static InferenceService start(InferenceConfig config) throws ModelRefusedException {
    config.validate();
    PrometheusRegistry registry = new PrometheusRegistry();
    InferenceMetrics metrics = new InferenceMetrics(registry).knownReasons(
        Arrays.stream(DlqReason.values()).map(DlqReason::label).toList(), Arrays.stream(RefusalReason.values()).map(RefusalReason::label).toList());
    ensureTopics(config);
    StudentModel initial = initialModel(config);
    metrics.serving(initial.spec().name(), initial.spec().version(), initial.provider(), null, null);
    ModelHolder models = new ModelHolder(initial);
    BatchScheduler scheduler = new BatchScheduler(models, config.maxBatch(), config.maxWait(), metrics);
    EventFactory events = new EventFactory(config.topK(), AttentionBoxes.defaults(),
        config.includeAttentionMap());
    FrameValidator validator = new FrameValidator(config.maxFrameDimension(), config.futureTolerance(), Clock.systemUTC());
    CommitPacing commits = new CommitPacing(config.commitInterval());
    var topology = InferenceTopology.build(
        new InferenceTopology.Topics(config.framesTopic(), config.eventsTopic(), config.deadLetterTopic()),
        new InferenceTopology.Clipping(config.hop(), config.gapTolerance(), config.frameRateTolerance(), ANSWER_DRAIN_INTERVAL, commits),
        validator, models, scheduler, events, metrics, new KafkaFrameHistory(config.kafka(), FRAME_HISTORY_TIMEOUT));

    Path temporary = null;
    Path stateDir = config.stateDir();
    if (stateDir == null) {
      try {
        temporary = Files.createTempDirectory("actionstream-inference-");
        stateDir = temporary;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a state directory", e);
      }
    }
    Properties props = new Properties();
    props.putAll(config.kafka());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // the stream threads ask for their commits themselves (CommitPacing); Kafka Streams' own is the backstop
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commits.backstop().toMillis());
    // An empty poll costs microseconds; an answer held for a whole poll cost a synchronized burst
    // 45 ms at p50 (README, round 21).
    props.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, ANSWER_DRAIN_INTERVAL.toMillis());
    // Each task reads one partition of one topic, so there is nothing to wait for to keep several
    // input partitions in timestamp order; and while it waits (the default, 0) Kafka Streams 4.4
    // formats a log line with String.format on every check of a task whose queue is empty, whether
    // or not anything is logged: a tenth of the stream threads' Java samples in a JFR profile (no
    // change in clips/s could be told from the noise of the benchmark).
    props.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    // Frames are ~10 KB and fetches a few MB; the consumer reads its socket only inside poll, and
    // with Kafka's 64 KB receive buffer a fetch trickled in for 100+ ms per poll on a busy machine
    // (broker ResponseSendTimeMs 122 ms; 5 ms with the operating system's autotuned buffer).
    // only where the user set it nowhere: a prefixed key of theirs would lose to this one
    String receiveBuffer = CommonClientConfigs.RECEIVE_BUFFER_CONFIG;
    if (!config.kafka().containsKey(receiveBuffer) && !config.kafka().containsKey(StreamsConfig.consumerPrefix(receiveBuffer))
        && !config.kafka().containsKey(StreamsConfig.mainConsumerPrefix(receiveBuffer))) {
      props.put(StreamsConfig.mainConsumerPrefix(receiveBuffer), -1);
    }
    KafkaStreams streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(e -> {
      log.error("A stream thread failed; replacing it", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry, io.micrometer.core.instrument.Clock.SYSTEM);
    meters.config().meterFilter(new io.actionstream.inference.metrics.KafkaMetricNames());
    new KafkaStreamsMetrics(streams).bindTo(meters);
    ReleaseWatcher watcher = null;
    OpsServer server = null;
    try {
      // before Streams starts, so that probes say "starting" rather than refuse the connection
      if (!config.metricsPorts().off()) {
        server = OpsServer.start(config.metricsPorts(), registry, liveness(streams), readiness(streams, models));
      }
      streams.start();
      awaitRunning(streams);
      if (config.releasesTopic() != null) {
        watcher = new ReleaseWatcher(config.kafka(), config.releasesTopic(), initial.spec().name(), models, new ArtifactFetcher(),
            config.provider(), config.networkPriority(), metrics);
        watcher.start(initial.spec().version());
      }
    } catch (IOException | RuntimeException e) {
      streams.close(Duration.ofSeconds(30));
      scheduler.close();
      models.close();
      meters.close();
      if (server != null) {
        server.close();
      }
      throw e instanceof IOException io ? new UncheckedIOException("metrics port: " + io.getMessage(), io) : (RuntimeException) e;
    }
    log.info("Inference running: {} -> {} (dead letters: {}), model {} {} on {}, batches of up to {} within {} ms, {} stream thread(s){}",
        config.framesTopic(), config.eventsTopic(), config.deadLetterTopic(), initial.spec().name(), initial.spec().version(),
        initial.provider(), config.maxBatch(), config.maxWait().toMillis(), config.streamThreads(),
        server != null ? "; metrics at http://localhost:" + server.port() + "/metrics, probes at " + OpsServer.LIVE + " and "
            + OpsServer.READY : "");
    return new InferenceService(streams, models, scheduler, watcher, registry, meters, server, temporary, config.hop());
  }

  private static HealthCheck liveness(KafkaStreams streams) {
    return () -> switch (streams.state()) {
      case ERROR, PENDING_ERROR -> Optional.of("Kafka Streams failed (state " + streams.state() + "); see the log");
      case PENDING_SHUTDOWN, NOT_RUNNING -> Optional.of("Kafka Streams is shutting down (state " + streams.state() + ")");
      default -> Optional.empty();
    };
  }

  private static HealthCheck readiness(KafkaStreams streams, ModelHolder models) {
    return () -> {
      if (streams.state() != KafkaStreams.State.RUNNING) {
        return Optional.of("Kafka Streams is " + streams.state() + ", not RUNNING");
      }
      return models.current() == null ? Optional.of("no model loaded") : Optional.empty();
    };
  }

  private static StudentModel initialModel(InferenceConfig config) throws ModelRefusedException {
    if (config.modelFile() != null) {
      try {
        return StudentModel.load(Files.readAllBytes(config.modelFile()), config.provider(), config.modelFile().toString(),
            StudentModel.Feed.PIXELS, config.networkPriority());
      } catch (IOException e) {
        throw new ModelRefusedException(RefusalReason.UNREACHABLE, "cannot read model file " + config.modelFile() + ": " + e.getMessage(), e);
      }
    }
    Optional<ModelRelease> release = ReleaseWatcher.latest(config.kafka(), config.releasesTopic(), config.modelName(), STARTUP);
    if (release.isEmpty()) {
      throw new ModelRefusedException(RefusalReason.UNREACHABLE, "no release of model '" + config.modelName() + "' on topic '"
          + config.releasesTopic() + "': give a model file, or publish one with 'actionstream train --model-store ... -b ...'");
    }
    byte[] onnx = new ArtifactFetcher().fetch(release.get().getArtifactUri(), release.get().getSha256());
    return StudentModel.load(onnx, config.provider(), release.get().getArtifactUri(), StudentModel.Feed.PIXELS,
        config.networkPriority());
  }

  private static void awaitRunning(KafkaStreams streams) {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING
          || System.nanoTime() > deadline) {
        throw new IllegalStateException("Kafka Streams did not start (state " + streams.state() + " after "
            + STARTUP.toSeconds() + " s); is the broker reachable?");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting", e);
      }
    }
  }

  /** Creates missing topics: frames, events and dead letters with the configured partitions; releases compacted. */
  static void ensureTopics(InferenceConfig config) {
    Map<String, Object> props = new HashMap<>();
    config.kafka().forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        props.put(k, v);
      }
    });
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) STARTUP.toMillis());
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(STARTUP.toMillis(), TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : List.of(config.framesTopic(), config.eventsTopic(), config.deadLetterTopic())) {
        if (!existing.contains(topic)) {
          missing.add(new NewTopic(topic, Optional.of(config.topicPartitions()), Optional.empty()));
        }
      }
      if (config.releasesTopic() != null && !existing.contains(config.releasesTopic())) {
        missing.add(new NewTopic(config.releasesTopic(), Optional.of(1), Optional.empty())
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
      }
      for (NewTopic topic : missing) {
        try {
          admin.createTopics(List.of(topic)).all().get(STARTUP.toMillis(), TimeUnit.MILLISECONDS);
          log.info("Created topic '{}'", topic.name());
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while preparing topics", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot reach Kafka at " + config.kafka().get("bootstrap.servers") + " to prepare topics: "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * Stops taking frames (they wait in the topic; clips already with the network get their events
   * after {@link #resume}): Kafka Streams' own pause, which keeps the consumer group, the state and
   * the warm JVM, for a maintenance window or a benchmark that loads frames first.
   */
  public void pause() {
    streams.pause();
  }

  /** Takes frames again after {@link #pause}. */
  public void resume() {
    streams.resume();
  }

  /** The model in service (or just accepted). */
  public StudentModel model() {
    return models.current();
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * For cameras ingested in this same process: the frames that complete no clip may wait while
   * the network has clips to work on, the clips of the model in service cut as this service cuts
   * them.
   */
  public FrameDeferral frameDeferral() {
    return new FrameDeferral() {
      @Override
      public ClipCadence cadence() {
        return ClipCadence.of(models.current().spec().frames(), hop);
      }

      @Override
      public void awaitIdleNetwork(long deadlineNanos) throws InterruptedException {
        scheduler.awaitIdle(deadlineNanos);
      }
    };
  }

  /** Port of the metrics endpoint, or -1 when it is off. */
  public int metricsPort() {
    return metricsServer != null ? metricsServer.port() : -1;
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
    streams.close(Duration.ofSeconds(30));
    scheduler.close();
    models.close();
    meters.close();
    if (metricsServer != null) {
      metricsServer.close();
    }
    if (temporaryStateDir != null) {
      try (var paths = Files.walk(temporaryStateDir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        log.debug("Could not delete {}: {}", temporaryStateDir, e.toString());
      }
    }
    log.info("Inference stopped");
  }
}
