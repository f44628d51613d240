package io.actionstream.inference.swap;

import io.actionstream.inference.metrics.InferenceMetrics;
import io.actionstream.model.ModelRefusedException;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.model.runtime.NetworkPriority;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.schemas.v1.ModelRelease;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted {@code model-releases} topic (from its beginning, without a consumer
 * group, so every instance sees every release) and takes new releases of its model into
 * service: fetch, check the SHA-256, load and check the model, warm it up, then offer it to the
 * {@link ModelHolder}. A release that fails any step is refused, logged and counted; the model in
 * service keeps serving. Only the newest release of a poll is acted on.
 */
public final class ReleaseWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReleaseWatcher.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final String modelName;
  private final ModelHolder models;
  private final ArtifactFetcher fetcher;
  private final ExecutionProvider provider;
  private final NetworkPriority priority;
  private final InferenceMetrics metrics;
  private final Thread thread;
  private volatile boolean stopping;
  private String lastSeen = "";

  public ReleaseWatcher(Map<String, String> kafka, String topic, String modelName, ModelHolder models, ArtifactFetcher fetcher,
      ExecutionProvider provider, NetworkPriority priority, InferenceMetrics metrics) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "actionstream-inference-releases");
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.modelName = modelName;
    this.models = models;
    this.fetcher = fetcher;
    this.provider = provider;
    this.priority = priority;
    this.metrics = metrics;
    this.thread = new Thread(this::follow, "model-releases");
    thread.setDaemon(true);
  }

  /** The newest release of the model on the topic now, read to its end (for start-up without a model file). */
  public static Optional<ModelRelease> latest(Map<String, String> kafka, String topic, String modelName, Duration timeout) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = partitions(consumer, topic, timeout);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
      ModelRelease latest = null;
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          ModelRelease release = parse(record);
          if (release != null && modelName.equals(record.key())) {
            latest = release;
          }
        }
      }
      return Optional.ofNullable(latest);
    }
  }

  /** Starts following, after the release already in service (whose version is {@code current}). */
  public void start(String currentVersion) {
    lastSeen = currentVersion;
    thread.start();
  }

  private void follow() {
    try {
      List<TopicPartition> partitions = partitions(consumer, topic, Duration.ofSeconds(60));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!stopping) {
        ModelRelease newest = null;
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          ModelRelease release = parse(record);
          if (release != null && modelName.equals(record.key())) {
            newest = release;
          }
        }
        if (newest != null && !newest.getVersion().equals(lastSeen)) {
          lastSeen = newest.getVersion();
          take(newest);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("Following '{}' stopped: {}; the model in service keeps serving", topic, e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Fetches, checks, loads and offers one release; refusals leave the model in service alone. */
  void take(ModelRelease release) {
    String what = release.getModelName() + " " + release.getVersion() + " (" + release.getArtifactUri() + ")";
    log.info("New release {}: loading", what);
    try {
      byte[] onnx = fetcher.fetch(release.getArtifactUri(), release.getSha256());
      StudentModel model = StudentModel.load(onnx, provider, release.getArtifactUri(), StudentModel.Feed.PIXELS, priority);
      if (!model.spec().version().equals(release.getVersion()) || !model.spec().labels().equals(release.getLabelsList())) {
        model.close();
        throw new ModelRefusedException(io.actionstream.model.RefusalReason.BAD_METADATA,
            "the file's metadata (version " + model.spec().version() + ", " + model.spec().labels().size()
                + " labels) does not match the release");
      }
      var previous = models.current();
      models.offer(model);
      metrics.serving(model.spec().name(), model.spec().version(), model.provider(), previous.spec().version(), previous.provider());
      log.info("Release {} accepted; it serves from the next batch", what);
    } catch (ModelRefusedException e) {
      metrics.refused(e.reason().label());
      log.warn("Release {} refused ({}): {}; the model in service keeps serving", what, e.reason().label(), e.getMessage());
    }
  }

  private static ModelRelease parse(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      return null;
    }
    try {
      return ModelRelease.parseFrom(record.value());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      log.warn("Ignoring a record at {} offset {} that is not a ModelRelease", record.topic(), record.offset());
      return null;
    }
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
    var infos = consumer.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic '" + topic + "' does not exist");
    }
    return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  @Override
  public void close() {
    stopping = true;
    if (!thread.isAlive() && thread.getState() == Thread.State.NEW) {
      consumer.close(Duration.ofSeconds(5));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
