package io.actionstream.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

  @Test
  void onlyCommittedTransactionsReachReadCommittedConsumers() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      createTopic(broker, "t");
      try (KafkaProducer<String, String> producer = transactionalProducer(broker)) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("t", "k", "committed"));
        producer.commitTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("t", "k", "aborted"));
        producer.flush();
        producer.abortTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("t", "k", "after-abort"));
        producer.commitTransaction();
      }

      assertThat(readAll(broker, "t", 2)).containsExactly("committed", "after-abort");
    }
  }

  @Test
  void brokerRestartedOnItsDataDirKeepsRecords(@TempDir Path parent) throws Exception {
    Path dir = parent.resolve("not-yet-created");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dir).start()) {
      commitOne(broker, "kept", "v1");
    }
    assertThat(dir.resolve("data/meta.properties")).exists();

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dir).start()) {
      assertThat(readAll(broker, "kept", 1)).containsExactly("v1");
    }
  }

  @Test
  void twoBrokersRunSideBySideAndTemporaryDataIsDeleted() {
    Path firstDir;
    try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start();
        EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start()) {
      assertThat(first.bootstrapServers()).isNotEqualTo(second.bootstrapServers());
      firstDir = first.dataDir();
      assertThat(firstDir).exists();
    }
    assertThat(Files.exists(firstDir)).isFalse();
  }

  @Test
  void temporaryDataGoesUnderTheGivenFolderAndIsDeletedOnClose(@TempDir Path parent) throws Exception {
    Path dir;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().temporaryDataUnder(parent).start()) {
      dir = broker.dataDir();
      assertThat(dir.getParent()).isEqualTo(parent);
      commitOne(broker, "kept-here", "v");
      assertThat(readAll(broker, "kept-here", 1)).containsExactly("v");
      try (var files = Files.walk(dir)) {
        assertThat(files.anyMatch(f -> f.getFileName().toString().startsWith("kept-here-0"))).isTrue();
      }
    }
    assertThat(Files.exists(dir)).isFalse();
  }

  /** Creates {@code topic} and commits one record with {@code value} to it in a transaction. */
  private static void commitOne(EmbeddedKafkaBroker broker, String topic, String value) throws Exception {
    createTopic(broker, topic);
    try (KafkaProducer<String, String> producer = transactionalProducer(broker)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", value));
      producer.commitTransaction();
    }
  }

  private static void createTopic(EmbeddedKafkaBroker broker, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
  }

  private static KafkaProducer<String, String> transactionalProducer(EmbeddedKafkaBroker broker) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-tx");
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  private static List<String> readAll(EmbeddedKafkaBroker broker, String topic, int expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(Set.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
      // One more poll: nothing beyond the expected records may arrive.
      consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
    }
    return values;
  }
}
