package io.actionstream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actionstream.it.backend.EmbeddedBackend;
import io.actionstream.training.synth.DemoVideo;
import io.actionstream.training.synth.SynthOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker with two secured listeners, with certificates made by the test: SASL_SSL
 * with SCRAM-SHA-256 passwords, and SSL that requires a client certificate (mutual TLS). The
 * services connect through ordinary Kafka client properties; clients without the right
 * credentials are refused.
 */
class SecurityTest {

  private static final String USER = "actionstream";
  private static final String SECRET = "scram-secret-for-tests";

  @TempDir static Path dir;
  private static TestCertificates certs;
  private static EmbeddedBackend kafka;

  @BeforeAll
  static void startSecuredBroker() throws Exception {
    certs = TestCertificates.create(dir);
    kafka = EmbeddedBackend.start(dir.resolve("kafka"), b -> b
        .listener("SASL_SSL", "SASL_SSL", 0)
        .listener("SSL", "SSL", 0)
        .brokerProperty("listener.name.sasl_ssl.sasl.enabled.mechanisms", "SCRAM-SHA-256")
        .brokerProperty("listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required;")
        .brokerProperty("listener.name.sasl_ssl.ssl.keystore.location", certs.brokerKeystore.toString())
        .brokerProperty("listener.name.sasl_ssl.ssl.keystore.password", TestCertificates.PASSWORD)
        .brokerProperty("listener.name.sasl_ssl.ssl.key.password", TestCertificates.PASSWORD)
        .brokerProperty("listener.name.ssl.ssl.keystore.location", certs.brokerKeystore.toString())
        .brokerProperty("listener.name.ssl.ssl.keystore.password", TestCertificates.PASSWORD)
        .brokerProperty("listener.name.ssl.ssl.key.password", TestCertificates.PASSWORD)
        .brokerProperty("listener.name.ssl.ssl.truststore.location", certs.brokerTruststore.toString())
        .brokerProperty("listener.name.ssl.ssl.truststore.password", TestCertificates.PASSWORD)
        .brokerProperty("listener.name.ssl.ssl.client.auth", "required"));
    // SCRAM credentials live in the cluster metadata; the broker's internal listener sets them up
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), SECRET))).all().get(30, TimeUnit.SECONDS);
    }
    awaitAccepted(scram(SECRET));
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void ingestInferenceAndTheEventsConsumerWorkThroughScramOverTls() throws Exception {
    Path video = dir.resolve("secure.avi");
    DemoVideo.write(video, SynthOptions.DEFAULTS.withSeed(91), 4, 16);
    Map<String, String> client = scram(SECRET);
    try (ChildJvm inference = Services.infer(client, dir.resolve("state"), "512m")) {
      Services.awaitServing(inference);
      try (ChildJvm ingest = Services.ingest(client, Map.of("vault", video), "--no-realtime")) {
        assertThat(ingest.awaitExit(Duration.ofSeconds(120))).as(ingest.stderr()).isZero();
      }
      try (ChildJvm events = Services.events(client, 4)) {
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
          lines.add(events.awaitLine("{", Duration.ofSeconds(120)));
        }
        assertThat(events.awaitExit(Duration.ofSeconds(30))).as(events.stderr()).isZero();
        assertThat(lines).allSatisfy(line -> assertThat(line).contains("\"cameraId\":\"vault\"").contains("\"labels\""));
      }
    }
  }

  @Test
  void aWrongPasswordIsRefused() {
    assertRefused(scram("not-the-password"), SaslAuthenticationException.class);
  }

  @Test
  void mutualTlsAcceptsTheClientCertificateAndRefusesAClientWithout() throws Exception {
    Map<String, String> withCertificate = tls(true);
    awaitAccepted(withCertificate);
    assertRefused(tls(false), SslAuthenticationException.class);
  }

  @Test
  void aClientThatDoesNotTrustTheBrokersCertificateRefusesToTalkToIt() {
    Map<String, String> untrusting = new HashMap<>(scram(SECRET));
    untrusting.remove("ssl.truststore.location");
    untrusting.remove("ssl.truststore.password");
    assertRefused(untrusting, SslAuthenticationException.class);
  }

  @Test
  void anIngestWithoutCredentialsStopsWithAnErrorInsteadOfPublishing() throws Exception {
    Path video = dir.resolve("refused.avi");
    DemoVideo.write(video, SynthOptions.DEFAULTS.withSeed(92), 1, 16);
    try (ChildJvm ingest = Services.ingest(scram("not-the-password"), Map.of("intruder", video), "--no-realtime")) {
      assertThat(ingest.awaitExit(Duration.ofSeconds(120))).isNotZero();
      assertThat(ingest.stderr()).containsIgnoringCase("authentication failed");
    }
  }

  private static Map<String, String> scram(String password) {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.listenerAddress("SASL_SSL"));
    props.put("security.protocol", "SASL_SSL");
    props.put("sasl.mechanism", "SCRAM-SHA-256");
    props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
        + "\" password=\"" + password + "\";");
    props.put("ssl.truststore.location", certs.clientTruststore.toString());
    props.put("ssl.truststore.password", TestCertificates.PASSWORD);
    return props;
  }

  private static Map<String, String> tls(boolean withCertificate) {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.listenerAddress("SSL"));
    props.put("security.protocol", "SSL");
    props.put("ssl.truststore.location", certs.clientTruststore.toString());
    props.put("ssl.truststore.password", TestCertificates.PASSWORD);
    if (withCertificate) {
      props.put("ssl.keystore.location", certs.clientKeystore.toString());
      props.put("ssl.keystore.password", TestCertificates.PASSWORD);
      props.put("ssl.key.password", TestCertificates.PASSWORD);
    }
    return props;
  }

  /** Waits until an admin client with these properties can list topics (SCRAM users take a moment to appear). */
  private static void awaitAccepted(Map<String, String> props) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (Admin admin = Admin.create(new HashMap<String, Object>(props))) {
        admin.listTopics().names().get(10, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private static void assertRefused(Map<String, String> props, Class<? extends Exception> reason) {
    Map<String, Object> config = new HashMap<>(props);
    config.put("default.api.timeout.ms", 15_000);
    config.put("request.timeout.ms", 10_000);
    try (Admin admin = Admin.create(config)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).cause().isInstanceOf(reason);
    }
  }
}
