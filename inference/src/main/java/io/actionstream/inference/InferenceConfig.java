package io.actionstream.inference;

import io.actionstream.inference.model.ExecutionProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the inference service needs, checked once at start-up (see {@link #validate}).
 *
 * @param kafka Kafka client properties, passed to Streams, the producer and consumers
 *     (bootstrap.servers, security.protocol, ssl.*, sasl.*, ...)
 * @param applicationId Kafka Streams application id: instances with the same id share the work
 * @param framesTopic input
 * @param eventsTopic output
 * @param deadLetterTopic frames that cannot be used, with the reason in a header
 * @param releasesTopic compacted model releases to follow, or null not to follow any
 * @param modelFile the ONNX student to start with; null to start with the newest release
 * @param modelName the releases to follow (the model file's name when a file is given)
 * @param provider execution provider: auto (CUDA, else CPU with a warning), cuda, cpu
 * @param maxBatch most clips per network run
 * @param maxWait longest a clip waits for its batch to fill
 * @param hop frames between the starts of consecutive clips; 0 for the clip length (no overlap)
 * @param gapTolerance missing frames a clip may skip over before it is restarted
 * @param streamThreads Kafka Streams threads (they decode and prepare clips in parallel)
 * @param topK labels per event
 * @param includeAttentionMap whether events carry the coarse attention map
 * @param maxFrameDimension largest frame width or height accepted
 * @param futureTolerance how far in the future a capture time may be (clock skew)
 * @param topicPartitions partitions for topics this service creates when they are missing
 * @param stateDir Kafka Streams state directory; null for a temporary one
 * @param metricsPort Prometheus endpoint port; 0 for any free port, -1 for none
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
    int maxBatch,
    Duration maxWait,
    int hop,
    int gapTolerance,
    int streamThreads,
    int topK,
    boolean includeAttentionMap,
    int maxFrameDimension,
    Duration futureTolerance,
    int topicPartitions,
    Path stateDir,
    int metricsPort) {

  public InferenceConfig {
    kafka = Map.copyOf(kafka);
  }

  /** Defaults for everything but Kafka and the model. */
  public static InferenceConfig defaults(Map<String, String> kafka, Path modelFile) {
    return new InferenceConfig(kafka, "actionstream-inference", "frames", "action-events", "frames-dlq", "model-releases",
        modelFile, "student", ExecutionProvider.AUTO, 8, Duration.ofMillis(20), 0, 2,
        Math.max(1, Runtime.getRuntime().availableProcessors()), 3, false, 4096, Duration.ofMinutes(10), 4, null, 9402);
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
    check(streamThreads >= 1 && streamThreads <= 256, "stream threads must be between 1 and 256, got " + streamThreads);
    check(topK >= 1, "top-k must be at least 1, got " + topK);
    check(maxFrameDimension >= 16, "max frame dimension must be at least 16, got " + maxFrameDimension);
    check(topicPartitions >= 1, "topic partitions must be at least 1, got " + topicPartitions);
    check(metricsPort >= -1 && metricsPort <= 65535, "metrics port must be between -1 and 65535, got " + metricsPort);
    return this;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
