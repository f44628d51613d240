package io.actionstream.ingest.publish;

import io.actionstream.ingest.config.ConfigException;
import io.actionstream.ingest.metrics.IngestMetrics.CameraMetrics;
import io.actionstream.ingest.metrics.IngestMetrics.DropReason;
import io.actionstream.schemas.v1.Frame;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes frames to the frames topic, keyed by camera id, with one idempotent producer shared
 * by all cameras of the process: retries never duplicate or reorder a camera's frames.
 *
 * <p>Sending is asynchronous; the acknowledgement updates the camera's metrics (sent and publish
 * latency, or a publish_failed drop). The topic is checked, and created if missing, before the
 * first frame, so that an unreachable cluster fails at start-up rather than frame by frame.
 */
public final class FramePublisher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FramePublisher.class);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;

  private FramePublisher(KafkaProducer<String, byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  /**
   * Connects to Kafka, makes sure {@code topic} exists (creating it with {@code partitions}
   * partitions when that is not 0) and returns a publisher.
   */
  public static FramePublisher connect(Map<String, String> kafka, String topic, int partitions) {
    ensureTopic(kafka, topic, partitions);
    Map<String, Object> props = new HashMap<>(producerDefaults());
    props.putAll(kafka);
    requireRoomForABatch(props);
    try {
      return new FramePublisher(
          new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()), topic);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new ConfigException("kafka", "the producer settings are not usable: " + rootMessage(e), e);
    }
  }

  /**
   * Sends one frame; the outcome is recorded in {@code metrics} when Kafka answers. The call
   * blocks while the producer's buffer is full (Kafka takes frames more slowly than the cameras
   * make them). False when the calling thread is interrupted meanwhile, as a stopping ingest does:
   * the frame is then counted as dropped ({@code stopped}) and the thread's interrupt is kept.
   */
  public boolean send(Frame frame, CameraMetrics metrics) {
    long start = System.nanoTime();
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, frame.getCameraId(), frame.toByteArray());
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              metrics.sent(System.nanoTime() - start);
            } else {
              metrics.dropped(DropReason.PUBLISH_FAILED);
              log.warn(
                  "Frame {} of camera '{}' was not published: {}",
                  frame.getSequenceNumber(),
                  frame.getCameraId(),
                  error.toString());
            }
          });
      return true;
    } catch (InterruptException e) {
      // Kafka's exception has set the thread's interrupt again, so the caller still sees it
      metrics.dropped(DropReason.STOPPED);
      return false;
    }
  }

  /**
   * Whether the producer holds at least one open connection to a broker (its own
   * {@code connection-count} metric): what the readiness probe asks.
   */
  public boolean connected() {
    return producer.metrics().entrySet().stream()
        .filter(m -> m.getKey().name().equals("connection-count") && m.getKey().group().equals("producer-metrics"))
        .anyMatch(m -> m.getValue().metricValue() instanceof Number n && n.doubleValue() > 0);
  }

  /** Blocks until every frame handed over so far has been acknowledged or has failed. */
  public void flush() {
    producer.flush();
  }

  /** Waits up to 30 s for frames in flight, then gives up on the rest (counted as failed). */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }

  /**
   * The producer refuses every record when its buffer cannot hold one batch, and each camera
   * would stop at its first frame; refused at start-up instead, naming the setting.
   */
  private static void requireRoomForABatch(Map<String, Object> props) {
    long buffer;
    int batch;
    try {
      buffer = (Long) ConfigDef.parseType(ProducerConfig.BUFFER_MEMORY_CONFIG, props.getOrDefault(
          ProducerConfig.BUFFER_MEMORY_CONFIG, ProducerConfig.configDef().defaultValues().get(ProducerConfig.BUFFER_MEMORY_CONFIG)),
          ConfigDef.Type.LONG);
      batch = (Integer) ConfigDef.parseType(ProducerConfig.BATCH_SIZE_CONFIG,
          props.get(ProducerConfig.BATCH_SIZE_CONFIG), ConfigDef.Type.INT);
    } catch (org.apache.kafka.common.config.ConfigException e) {
      throw new ConfigException("kafka", "the producer settings are not usable: " + e.getMessage(), e);
    }
    if (buffer < batch) {
      throw new ConfigException("kafka." + ProducerConfig.BUFFER_MEMORY_CONFIG, "is " + buffer
          + " bytes, less than one batch (" + ProducerConfig.BATCH_SIZE_CONFIG + ", " + batch
          + " bytes): the producer would refuse every frame; raise it or lower " + ProducerConfig.BATCH_SIZE_CONFIG);
    }
  }

  private static Map<String, Object> producerDefaults() {
    return Map.of(
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        // With several requests in flight, a batch refused by a partition that is still being
        // created can be overtaken by the next one, and is then rejected as out of order until
        // it expires: records lost despite idempotence (KAFKA-15591, seen here on a cold
        // start). One request per connection keeps order by construction; frames are small and
        // batched, so throughput does not suffer (see the README's benchmark).
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
        // JPEG does not compress further; batching a few milliseconds saves requests.
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "none",
        ProducerConfig.LINGER_MS_CONFIG, 5,
        // With one request in flight, a producer moves at most one batch per partition per round
        // trip. Raw frames are 48 KiB at 128x128: in 256 KiB batches and Kafka's default 1 MiB
        // requests, about 21 of them, fewer than 120 cameras make while a round trip lasts on a
        // busy machine, and the frames waited seconds in the producer (README, round 16). 512 KiB
        // batches stay under a broker's default 1 MiB message size; the request may carry one
        // for each partition.
        ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024,
        ProducerConfig.CLIENT_ID_CONFIG, "actionstream-ingest");
  }

  private static void ensureTopic(Map<String, String> kafka, String topic, int partitions) {
    Map<String, Object> props = new HashMap<>();
    Set<String> adminKeys = AdminClientConfig.configNames();
    kafka.forEach(
        (key, value) -> {
          if (adminKeys.contains(key)) {
            props.put(key, value);
          }
        });
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) STARTUP_TIMEOUT.toMillis());
    long timeoutMs = Long.parseLong(String.valueOf(props.get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG)));
    // Kafka insists that a request times out no later than the whole API call.
    props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(10_000, timeoutMs));
    String servers = kafka.get("bootstrap.servers");
    String unreachable =
        "no Kafka broker answered at " + servers + " within " + timeoutMs + " ms; is it running and reachable?";
    try (Admin admin = Admin.create(props)) {
      Set<String> topics = admin.listTopics().names().get(timeoutMs + 1_000, TimeUnit.MILLISECONDS);
      if (topics.contains(topic) || partitions == 0) {
        return;
      }
      try {
        admin
            .createTopics(List.of(new NewTopic(topic, java.util.Optional.of(partitions), java.util.Optional.empty())))
            .all()
            .get(timeoutMs + 1_000, TimeUnit.MILLISECONDS);
        awaitLeaders(admin, topic, timeoutMs);
        log.info("Created topic '{}' with {} partitions", topic, partitions);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (TimeoutException e) {
      throw new ConfigException("kafka.bootstrap.servers", unreachable);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw new ConfigException("kafka.bootstrap.servers", unreachable);
      }
      throw new ConfigException(
          "kafka", "cannot prepare topic '" + topic + "' at " + servers + ": " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to Kafka", e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new ConfigException("kafka", "the client settings are not usable: " + rootMessage(e), e);
    }
  }

  /** Waits until every partition of a new topic has a leader, so first sends are not refused. */
  private static void awaitLeaders(Admin admin, String topic, long timeoutMs)
      throws ExecutionException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      try {
        var description =
            admin.describeTopics(List.of(topic)).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS).get(topic);
        if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("partitions of " + topic + " have no leader after " + timeoutMs + " ms");
      }
      Thread.sleep(50);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
  }
}
