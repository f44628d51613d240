package io.actionstream.viewer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import io.actionstream.ops.MetricSettings;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.viewer.board.CameraBoard;
import io.actionstream.viewer.web.PageClients;
import io.actionstream.viewer.web.PageClients.Message;
import io.actionstream.viewer.web.PageServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live viewer: follows the frames and action-events topics from their latest records (its
 * own consumer group, committed records only), keeps per camera the latest frame and last events
 * ({@link CameraBoard}), and pushes them to every open page ({@link PageServer}). It imports no
 * other service: it meets them only through the topics and their schemas.
 */
public final class ViewerService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ViewerService.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ViewerConfig config;
  private final CameraBoard board;
  private final PageClients clients;
  private final Counter skipped;
  // written on the follower thread only: a consumer is not for two threads
  private final AtomicReference<Double> lag = new AtomicReference<>(0.0);
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread follower;
  private final PageServer server;
  private volatile boolean stopping;

  private ViewerService(ViewerConfig config, PrometheusRegistry registry) {
    this.config = config;
    this.board = new CameraBoard(config.history(), config.frameInterval().toNanos(), config.maxCameras());
    this.clients = new PageClients();
    this.skipped = Counter.builder(MetricSettings.WITHOUT_EXEMPLARS).name("actionstream_viewer_records_skipped_total")
        .help("Records of the topics that are not a frame or an event").register(registry);
    Map<String, Object> props = new HashMap<>(config.kafka());
    props.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, "actionstream-viewer-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    GaugeWithCallback.builder().name("actionstream_viewer_consumer_lag_records")
        .help("The viewer's consumer: most records behind the end of a partition (its records-lag-max)")
        .callback(cb -> cb.call(lag.get())).register(registry);
    GaugeWithCallback.builder().name("actionstream_viewer_cameras").help("Cameras the viewer remembers")
        .callback(cb -> cb.call(board.cameras())).register(registry);
    GaugeWithCallback.builder().name("actionstream_viewer_pages").help("Pages open").callback(cb -> cb.call(clients.open()))
        .register(registry);
    GaugeWithCallback.builder().name("actionstream_viewer_dropped_messages").help("Updates a slow page missed")
        .callback(cb -> cb.call(clients.dropped())).register(registry);
    try {
      this.server = PageServer.start(config.host(), config.port(), config.token(), clients, this::snapshot, registry);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    this.follower = new Thread(this::follow, "viewer-follower");
    follower.setDaemon(true);
  }

  public static ViewerService start(ViewerConfig config) {
    config.validate();
    ViewerService viewer = new ViewerService(config, new PrometheusRegistry());
    viewer.follower.start();
    log.info("Viewer at http://{}:{}/{} following '{}' and '{}' at {}", config.host().contains(":") ? "[" + config.host() + "]"
        : config.host(), viewer.port(), config.token() != null ? "?token=..." : "", config.framesTopic(), config.eventsTopic(),
        config.kafka().get("bootstrap.servers"));
    return viewer;
  }

  private void follow() {
    try {
      consumer.subscribe(List.of(config.framesTopic(), config.eventsTopic()), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          // live: what is on the topics now, not what was there before the viewer started
          consumer.seekToEnd(partitions);
        }
      });
      while (!stopping) {
        lag.set(lag(consumer));
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          try {
            if (record.topic().equals(config.framesTopic())) {
              board.frame(Frame.parseFrom(record.value()), System.nanoTime())
                  .ifPresent(view -> clients.publish(new Message("frame", json(view)), true));
            } else {
              clients.publish(new Message("event", json(board.event(ActionEvent.parseFrom(record.value())))), false);
            }
          } catch (InvalidProtocolBufferException | NullPointerException e) {
            skipped.inc();
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("The viewer stopped following the topics", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private List<Message> snapshot() {
    List<Message> messages = new ArrayList<>();
    board.snapshot().forEach((camera, view) -> {
      if (view.frame() != null) {
        messages.add(new Message("frame", json(view.frame())));
      }
      view.events().forEach(e -> messages.add(new Message("event", json(e))));
    });
    return messages;
  }

  private static double lag(KafkaConsumer<String, byte[]> consumer) {
    return consumer.metrics().entrySet().stream()
        .filter(m -> m.getKey().name().equals("records-lag-max") && !m.getKey().tags().containsKey("topic"))
        .map(m -> m.getValue().metricValue()).filter(v -> v instanceof Number n && !Double.isNaN(n.doubleValue()))
        .mapToDouble(v -> ((Number) v).doubleValue()).max().orElse(0);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    stopping = true;
    consumer.wakeup();
    try {
      follower.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
    log.info("Viewer stopped");
  }
}
