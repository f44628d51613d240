package io.actionstream.cli;

import io.actionstream.inference.InferenceConfig;
import io.actionstream.inference.InferenceService;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.model.runtime.NetworkPriority;
import io.actionstream.ops.PortRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code actionstream infer}: the inference service against any Kafka cluster. */
@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the inference service: cut each camera's frames into clips (Kafka Streams, exactly-once), run the "
          + "student (ONNX Runtime) in batches, and publish action events with labels and attention boxes. "
          + "Follows the model-releases topic and swaps in new students without a restart.",
      "Runs until Ctrl-C."
    },
    footer = {
      "",
      "Examples:",
      "  actionstream infer -b kafka:9092 --model models/student/student.onnx",
      "  actionstream infer -b kafka:9093 -X security.protocol=SSL \\",
      "      -X ssl.truststore.location=ca.p12 --model-name student",
      "",
      "Scale out by starting more instances with the same --application-id;",
      "the frames topic's partitions (cameras) are spread over them."
    })
final class InferCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = {"-b", "--bootstrap-servers"}, required = true, paramLabel = "HOSTS", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
      description = "Kafka client property for Streams, producer and consumers (security.protocol, ssl.*, sasl.*...); repeatable.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(names = {"-m", "--model"}, paramLabel = "FILE",
      description = "ONNX student to start with (default: the newest release on the releases topic).")
  Path model;

  @Option(names = "--model-name", defaultValue = "student", description = "Releases to follow when no --model is given (default: ${DEFAULT-VALUE}).")
  String modelName;

  @Option(names = "--releases-topic", defaultValue = "model-releases", description = "Compacted releases topic (default: ${DEFAULT-VALUE}).")
  String releasesTopic;

  @Option(names = "--no-follow", description = "Do not follow releases; serve --model only.")
  boolean noFollow;

  @Option(names = "--provider", defaultValue = "auto", description = "auto (CUDA, else CPU with a warning), cuda or cpu (default: ${DEFAULT-VALUE}).")
  String provider;

  @Option(names = "--network-priority", defaultValue = "nice", description = "How ONNX Runtime's threads are scheduled "
      + "against the rest of the process where it may raise priorities (root or CAP_SYS_NICE): nice (-20), realtime (SCHED_RR; "
      + "nice -20 where refused) or normal (the process's); with nice and realtime the stream threads, which feed it, run at "
      + "nice -10 (default: ${DEFAULT-VALUE}).")
  String networkPriority;

  @Option(names = "--max-batch", defaultValue = "8", description = "Most clips per network run (default: ${DEFAULT-VALUE}); on a CPU with 2 or more cores a run takes "
      + "one clip, the rest of a burst runs beside it.")
  int maxBatch;

  @Option(names = "--max-wait", defaultValue = "20ms", converter = DurationConverter.class,
      description = "Longest a clip waits for its batch to fill (default: ${DEFAULT-VALUE}).")
  Duration maxWait;

  @Option(names = "--hop", defaultValue = "0", description = "Frames between clip starts; 0 = the clip length, no overlap (default: ${DEFAULT-VALUE}).")
  int hop;

  @Option(names = "--gap-tolerance", defaultValue = "2", description = "Missing frames a clip may skip before it restarts (default: ${DEFAULT-VALUE}).")
  int gapTolerance;

  @Option(names = "--frame-rate-tolerance", defaultValue = "0.25", paramLabel = "SHARE",
      description = "How far a clip's frame rate may be from the model's (0.25 = 25%%) before the clip goes to the dead-letter topic (default: ${DEFAULT-VALUE}).")
  double frameRateTolerance;

  @Option(names = "--stream-threads", description = "Kafka Streams threads (default: the number of cores).")
  Integer streamThreads;

  @Option(names = "--application-id", defaultValue = "actionstream-inference", description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(names = "--frames-topic", defaultValue = "frames", description = "Input topic (default: ${DEFAULT-VALUE}).")
  String framesTopic;

  @Option(names = "--events-topic", defaultValue = "action-events", description = "Output topic (default: ${DEFAULT-VALUE}).")
  String eventsTopic;

  @Option(names = "--dlq-topic", defaultValue = "frames-dlq", description = "Dead-letter topic (default: ${DEFAULT-VALUE}).")
  String deadLetterTopic;

  @Option(names = "--top-k", defaultValue = "3", description = "Labels per event (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--attention-map", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Put the coarse attention map (14x14, 8-bit, 226 bytes) into every event, for the viewer's heat map"
          + " (default: on; --no-attention-map leaves it out).")
  boolean attentionMap;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of topics created when missing (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state (default: a temporary folder).")
  Path stateDir;

  @Option(names = "--metrics-port", paramLabel = "PORT[-LAST]", defaultValue = "9402", description = "Metrics (/metrics) and probes"
      + " (/health/live, /health/ready); a range such as 9402-9409 takes its first free port, so instances on one host do not"
      + " collide; 0: any free port, -1: off (default: ${DEFAULT-VALUE}).")
  String metricsPort;

  @Override
  public Integer call() throws Exception {
    InferenceConfig config = config(bootstrapServers);
    try (StopSignal stop = new StopSignal(); InferenceService service = InferenceService.start(config)) {
      while (!stop.await(Duration.ofHours(1))) {
        // serve until Ctrl-C
      }
    }
    return 0;
  }

  InferenceConfig config(String servers) {
    Map<String, String> kafka = new LinkedHashMap<>(kafkaProperties);
    kafka.put("bootstrap.servers", servers);
    try {
      InferenceConfig.Builder config = InferenceConfig.builder(kafka).applicationId(applicationId).framesTopic(framesTopic)
          .eventsTopic(eventsTopic).deadLetterTopic(deadLetterTopic).releasesTopic(noFollow ? null : releasesTopic).modelFile(model)
          .modelName(modelName).provider(ExecutionProvider.parse(provider))
          .networkPriority(NetworkPriority.parse(networkPriority)).maxBatch(maxBatch).maxWait(maxWait).hop(hop)
          .gapTolerance(gapTolerance).frameRateTolerance(frameRateTolerance).topK(topK).includeAttentionMap(attentionMap)
          .topicPartitions(partitions).stateDir(stateDir).metricsPorts(PortRange.parse("--metrics-port", metricsPort));
      if (streamThreads != null) {
        config.streamThreads(streamThreads);
      }
      return config.build().validate();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
