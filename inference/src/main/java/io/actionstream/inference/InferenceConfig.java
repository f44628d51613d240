package io.actionstream.inference;

import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.model.runtime.NetworkPriority;
import io.actionstream.ops.PortRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the inference service needs, checked once at start-up (see {@link #validate}).
 * Built by name: {@code InferenceConfig.builder(kafka).modelFile(path).maxBatch(4).build()}, every
 * setting not named keeping the default listed here.
 *
 * @param kafka Kafka client properties, passed to Streams, the producer and consumers
 *     (bootstrap.servers, security.protocol, ssl.*, sasl.*, ...); {@code commit.interval.ms} is
 *     read as {@link #commitInterval()}
 * @param applicationId Kafka Streams application id: instances with the same id share the work
 * @param framesTopic input
 * @param eventsTopic output
 * @param deadLetterTopic frames that cannot be used, with the reason in a header
 * @param releasesTopic compacted model releases to follow, or null not to follow any
 * @param modelFile the ONNX student to start with; null to start with the newest release
 * @param modelName the releases to follow (the model file's name when a file is given)
 * @param provider execution provider: auto (CUDA, else CPU with a warning), cuda, cpu
 * @param networkPriority how ONNX Runtime's threads are scheduled against the rest of the process
 *     where it may raise priorities (root or CAP_SYS_NICE): nice (the default), realtime or normal
 * @param maxBatch most clips per network run
 * @param maxWait longest a clip waits for its batch to fill
 * @param hop frames between the starts of consecutive clips; 0 for the clip length (no overlap)
 * @param gapTolerance missing frames a clip may skip over before it is restarted
 * @param frameRateTolerance how far (a share, 0.25 = 25%) a clip's measured frame rate may be from
 *     the model's before the clip is refused to the dead-letter topic
 * @param streamThreads Kafka Streams threads (they decode and prepare clips in parallel)
 * @param topK labels per event
 * @param includeAttentionMap whether events carry the coarse attention map (default: yes; 226 bytes more
 *     per event at 4x14x14, 506 instead of 280 for a typical event; the viewer draws it as a heat map)
 * @param maxFrameDimension largest frame width or height accepted
 * @param futureTolerance how far in the future a capture time may be (clock skew)
 * @param topicPartitions partitions for topics this service creates when they are missing
 * @param stateDir Kafka Streams state directory; null for a temporary one
 * @param metricsPorts port of the operations endpoint (metrics and health probes): one port, a range
 *     to take the first free port from (several instances on one host), any, or none
 */
public record InferenceConfig(
    Map<String, String> kafka,
    String applicationId,
    String framesTopic,
    String eventsTopic,
    String deadLetterTopic,
    String releasesTopic,
    Path modelFile,
    String modelName,
    ExecutionProvider provider,
    NetworkPriority networkPriority,
    int maxBatch,
    Duration maxWait,
    int hop,
    int gapTolerance,
    double frameRateTolerance,
    int streamThreads,
    int topK,
    boolean includeAttentionMap,
    int maxFrameDimension,
    Duration futureTolerance,
    int topicPartitions,
    Path stateDir,
    PortRange metricsPorts) {

  private static final String COMMIT_INTERVAL = "commit.interval.ms";
  private static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);

  public InferenceConfig {
    kafka = Map.copyOf(kafka);
  }

  /** A builder with every default; {@code kafka} needs at least bootstrap.servers. */
  public static Builder builder(Map<String, String> kafka) {
    return new Builder(kafka);
  }

  /** Names every setting of an {@link InferenceConfig}; see the record's parameters for what each means. */
  public static final class Builder {
    private final Map<String, String> kafka;
    private String applicationId = "actionstream-inference";
    private String framesTopic = "frames";
    private String eventsTopic = "action-events";
    private String deadLetterTopic = "frames-dlq";
    private String releasesTopic = "model-releases";
    private Path modelFile;
    private String modelName = "student";
    private ExecutionProvider provider = ExecutionProvider.AUTO;
    private NetworkPriority networkPriority = NetworkPriority.NICE;
    private int maxBatch = 8;
    private Duration maxWait = Duration.ofMillis(20);
    private int hop;
    private int gapTolerance = 2;
    private double frameRateTolerance = 0.25;
    private int streamThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int topK = 3;
    private boolean includeAttentionMap = true;
    private int maxFrameDimension = 4096;
    private Duration futureTolerance = Duration.ofMinutes(10);
    private int topicPartitions = 4;
    private Path stateDir;
    private PortRange metricsPorts = PortRange.of(9402);

    private Builder(Map<String, String> kafka) {
      this.kafka = Map.copyOf(kafka);
    }

    public Builder applicationId(String value) {
      applicationId = value;
      return this;
    }

    public Builder framesTopic(String value) {
      framesTopic = value;
      return this;
    }

    public Builder eventsTopic(String value) {
      eventsTopic = value;
      return this;
    }

    public Builder deadLetterTopic(String value) {
      deadLetterTopic = value;
      return this;
    }

    /** Null: follow no releases. */
    public Builder releasesTopic(String value) {
      releasesTopic = value;
      return this;
    }

    /** Null: start with the newest release. */
    public Builder modelFile(Path value) {
      modelFile = value;
      return this;
    }

    public Builder modelName(String value) {
      modelName = value;
      return this;
    }

    public Builder provider(ExecutionProvider value) {
      provider = value;
      return this;
    }

    public Builder networkPriority(NetworkPriority value) {
      networkPriority = value;
      return this;
    }

    public Builder maxBatch(int value) {
      maxBatch = value;
      return this;
    }

    public Builder maxWait(Duration value) {
      maxWait = value;
      return this;
    }

    public Builder hop(int value) {
      hop = value;
      return this;
    }

    public Builder gapTolerance(int value) {
      gapTolerance = value;
      return this;
    }

    public Builder frameRateTolerance(double value) {
      frameRateTolerance = value;
      return this;
    }

    public Builder streamThreads(int value) {
      streamThreads = value;
      return this;
    }

    public Builder topK(int value) {
      topK = value;
      return this;
    }

    public Builder includeAttentionMap(boolean value) {
      includeAttentionMap = value;
      return this;
    }

    public Builder maxFrameDimension(int value) {
      maxFrameDimension = value;
      return this;
    }

    public Builder futureTolerance(Duration value) {
      futureTolerance = value;
      return this;
    }

    public Builder topicPartitions(int value) {
      topicPartitions = value;
      return this;
    }

    /** Null: a temporary folder. */
    public Builder stateDir(Path value) {
      stateDir = value;
      return this;
    }

    /** One port; 0 for any free port, -1 for no endpoint. */
    public Builder metricsPort(int value) {
      try {
        return metricsPorts(PortRange.of(value));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("metrics port: " + e.getMessage(), e);
      }
    }

    public Builder metricsPorts(PortRange value) {
      metricsPorts = value;
      return this;
    }

    /** The configuration, not yet validated (the service validates it when it starts). */
    public InferenceConfig build() {
      return new InferenceConfig(kafka, applicationId, framesTopic, eventsTopic, deadLetterTopic, releasesTopic, modelFile, modelName,
          provider, networkPriority, maxBatch, maxWait, hop, gapTolerance, frameRateTolerance, streamThreads, topK, includeAttentionMap,
          maxFrameDimension, futureTolerance, topicPartitions, stateDir, metricsPorts);
    }
  }

  /** Checks every setting; the message names the first one at fault. */
  public InferenceConfig validate() {
    if (kafka.getOrDefault("bootstrap.servers", "").isBlank()) {
      throw new IllegalArgumentException("kafka bootstrap.servers is required");
    }
    for (var topic : Map.of("frames topic", framesTopic, "events topic", eventsTopic, "dead-letter topic", deadLetterTopic).entrySet()) {
      if (topic.getValue() == null || !topic.getValue().matches("[A-Za-z0-9._-]{1,249}")) {
        throw new IllegalArgumentException(topic.getKey() + ": '" + topic.getValue() + "' is not a valid topic name");
      }
    }
    if (modelFile == null && releasesTopic == null) {
      throw new IllegalArgumentException("model: give a model file, or a releases topic to take the newest release from");
    }
    check(maxBatch >= 1 && maxBatch <= 1024, "max batch must be between 1 and 1024, got " + maxBatch);
    check(!maxWait.isNegative() && maxWait.compareTo(Duration.ofSeconds(10)) <= 0, "max wait must be between 0 and 10 s, got " + maxWait);
    check(hop >= 0, "hop must not be negative, got " + hop);
    check(gapTolerance >= 0, "gap tolerance must not be negative, got " + gapTolerance);
    check(frameRateTolerance > 0 && frameRateTolerance <= 10, "frame rate tolerance must be above 0 and at most 10, got "
        + frameRateTolerance);
    check(streamThreads >= 1 && streamThreads <= 256, "stream threads must be between 1 and 256, got " + streamThreads);
    check(topK >= 1, "top-k must be at least 1, got " + topK);
    check(maxFrameDimension >= 16, "max frame dimension must be at least 16, got " + maxFrameDimension);
    check(topicPartitions >= 1, "topic partitions must be at least 1, got " + topicPartitions);
    check(metricsPorts != null, "metrics port is required (-1 for none)");
    check(provider != null, "provider is required (auto, cuda or cpu)");
    check(networkPriority != null, "network priority is required (realtime, nice or normal)");
    String commitInterval = kafka.get(COMMIT_INTERVAL);
    check(commitInterval == null || commitInterval.trim().matches("\\d{1,9}"),
        COMMIT_INTERVAL + " must be a whole number of milliseconds, got '" + commitInterval + "'");
    return this;
  }

  /**
   * How often the events are committed at most (Kafka Streams' {@code commit.interval.ms} as the
   * user set it in {@link #kafka}, else 100 ms): a stream thread commits what it took in and
   * forwarded once the network is idle, no sooner than this after its last commit, and whatever
   * the network does once its oldest event has waited a second or the interval, whichever is
   * longer; Kafka Streams' own periodic commit is a backstop every 5 s or every interval,
   * whichever is longer (see {@code CommitPacing}).
   */
  public Duration commitInterval() {
    String value = kafka.get(COMMIT_INTERVAL);
    return value == null ? DEFAULT_COMMIT_INTERVAL : Duration.ofMillis(Long.parseLong(value.trim()));
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
