package io.actionstream.it.backend;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.testcontainers.DockerClientFactory;

/**
 * The broker backends every suite runs on, as a JUnit argument source: {@code
 * @MethodSource("io.actionstream.it.backend.Backends#all")}. The container backend is skipped,
 * with the reason in the test report, where no Docker engine answers.
 */
public final class Backends {

  private Backends() {}

  /** How to start one backend in a test's folder. */
  @FunctionalInterface
  public interface Starter {
    KafkaBackend start(Path dir) throws Exception;
  }

  public static Stream<Named<Starter>> all() {
    return Stream.of(
        Named.of("embedded KRaft", dir -> EmbeddedBackend.start(dir.resolve("kafka"))),
        Named.of("Kafka container", dir -> {
          Assumptions.assumeTrue(dockerAvailable(),
              "no Docker engine on this machine, so the Testcontainers backend (" + ContainerBackend.IMAGE
                  + ") is skipped; the same test ran on the embedded broker");
          return ContainerBackend.start();
        }));
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
