package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actionstream.broker.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerLogTest {

  private static final long GIB = 1L << 30;

  @Test
  void withoutARetentionTheBrokerKeepsKafkasDefaultsInAFolderUnderTheParent(@TempDir Path parent) throws Exception {
    Path dir;
    try (EmbeddedKafkaBroker broker = new BrokerLog(parent, Duration.ZERO).configure(EmbeddedKafkaBroker.builder()).start()) {
      dir = broker.dataDir();
      assertThat(dir.getParent()).isEqualTo(parent);
      Config config = brokerConfig(broker);
      // Kafka's defaults: 7 days, and segments that roll only at 1 GiB or after 7 days
      assertThat(config.get("log.retention.ms").value()).isNull();
      assertThat(config.get("log.retention.hours").value()).isEqualTo("168");
      assertThat(config.get("log.roll.ms").value()).isNull();
      assertThat(config.get("log.roll.hours").value()).isEqualTo("168");
    }
    assertThat(Files.exists(dir)).as("the run's log is deleted with its broker").isFalse();
  }

  @Test
  void aRetentionRollsTheLogEveryThirdOfIt(@TempDir Path parent) throws Exception {
    try (EmbeddedKafkaBroker broker = new BrokerLog(parent, Duration.ofSeconds(15)).configure(EmbeddedKafkaBroker.builder()).start()) {
      Config config = brokerConfig(broker);
      assertThat(config.get("log.retention.ms").value()).isEqualTo("15000");
      assertThat(config.get("log.roll.ms").value()).isEqualTo("5000");
      assertThat(config.get("log.retention.check.interval.ms").value()).isEqualTo("2500");
    }
  }

  @Test
  void aRunThatDoesNotFitInTheFolderIsRefusedNamingWhatToChange(@TempDir Path parent) {
    BrokerLog log = new BrokerLog(parent, Duration.ZERO);
    // 300 cameras at 8 fps for 45 s, 25 KB I420 records: 2.5 GiB, and the spare room beside them
    long frame = 128 * 128 * 3 / 2 + 512;
    assertThat(log.roomProblem(2 * GIB, 300, 8, 45, frame)).hasValueSatisfying(why -> assertThat(why)
        .contains("300 cameras for 45 s writes up to 2.8 GiB", "which has 2.0 GiB free", "--broker-log-dir", "--broker-retention"));
    assertThat(log.roomProblem(3 * GIB, 300, 8, 45, frame)).isEmpty();
  }

  @Test
  void aRetentionBoundsTheLogSoAnyFolderHasRoom(@TempDir Path parent) {
    assertThat(new BrokerLog(parent, Duration.ofSeconds(15)).roomProblem(0, 300, 8, 45, 49_664)).isEmpty();
  }

  @Test
  void aMissingFolderOrATooShortRetentionIsRefusedNamingTheFlag(@TempDir Path parent) {
    assertThatThrownBy(() -> new BrokerLog(parent.resolve("none"), Duration.ZERO))
        .hasMessageContaining("--broker-log-dir " + parent.resolve("none") + " is not a folder");
    assertThatThrownBy(() -> new BrokerLog(parent, Duration.ofSeconds(2)))
        .hasMessageContaining("--broker-retention must be 0 (Kafka's defaults) or at least 3s, got 2000 ms");
  }

  @Test
  void theReportSaysWhereTheLogIsAndWhatItKeeps(@TempDir Path parent) {
    assertThat(new BrokerLog(parent, Duration.ZERO).describe()).isEqualTo("the embedded broker at Kafka's default retention, its log in " + parent);
    assertThat(new BrokerLog(parent, Duration.ofSeconds(15)).describe())
        .isEqualTo("the embedded broker keeping 15 s of data in segments of 5 s, its log in " + parent);
  }

  private static Config brokerConfig(EmbeddedKafkaBroker broker) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()))) {
      ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
      return admin.describeConfigs(List.of(node)).all().get().get(node);
    }
  }
}
