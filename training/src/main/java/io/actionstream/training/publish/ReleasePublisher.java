package io.actionstream.training.publish;

import io.actionstream.schemas.v1.ModelRelease;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Announces releases on the {@code model-releases} topic: compacted, keyed by model name, so
 * the latest release of each model is always there for an inference instance that starts
 * later. Creates the topic (one partition, compacted) when it is missing.
 */
public final class ReleasePublisher implements AutoCloseable {

  public static final String DEFAULT_TOPIC = "model-releases";

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;

  private ReleasePublisher(KafkaProducer<String, byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  public static ReleasePublisher connect(Map<String, String> kafka, String topic) {
    ensureCompactedTopic(kafka, topic);
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "actionstream-training");
    return new ReleasePublisher(new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()), topic);
  }

  /** Publishes and waits for the broker's acknowledgement. */
  public void publish(ModelRelease release) {
    try {
      producer.send(new ProducerRecord<>(topic, release.getModelName(), release.toByteArray())).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing the release", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("could not publish the release to '" + topic + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }

  private static void ensureCompactedTopic(Map<String, String> kafka, String topic) {
    Map<String, Object> props = new HashMap<>();
    kafka.forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        props.put(k, v);
      }
    });
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(props)) {
      if (admin.listTopics().names().get(60, TimeUnit.SECONDS).contains(topic)) {
        return;
      }
      NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        admin.createTopics(List.of(newTopic)).all().get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while preparing topic " + topic, e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot prepare topic '" + topic + "' at " + kafka.get("bootstrap.servers") + ": " + e.getMessage(), e);
    }
  }
}
