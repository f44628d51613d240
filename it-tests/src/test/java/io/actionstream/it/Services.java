package io.actionstream.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts the services as an operator would, each {@code actionstream} command in its own JVM,
 * connected to Kafka through ordinary client properties ({@code -b} and {@code -X}).
 */
final class Services {

  static final Path SHIPPED_MODEL = Path.of(System.getProperty("actionstream.shipped.model"));
  /** The application id of every inference instance the tests start: they share the work. */
  static final String APPLICATION_ID = "it-inference";
  private static final Pattern METRICS_URL = Pattern.compile("metrics at (http://\\S+/metrics)");

  private Services() {}

  /** {@code actionstream ingest} of these cameras (id to video) at 8 fps; extra flags appended. */
  static ChildJvm ingest(Map<String, String> kafka, Map<String, Path> cameras, String... flags) throws IOException {
    List<String> args = new ArrayList<>(List.of("ingest", "--fps", "8", "--metrics-port", "-1"));
    args.addAll(kafkaArgs(kafka));
    cameras.forEach((id, video) -> args.addAll(List.of("--camera", id + "=" + video)));
    args.addAll(List.of(flags));
    return ChildJvm.startWith(List.of("-Xmx256m"), null, args.toArray(String[]::new));
  }

  /**
   * {@code actionstream infer} with the shipped student, its state in {@code stateDir} (kept
   * across restarts, like a volume), metrics on a free port, and a heap of {@code heap}; the
   * JVM exits at once on an OutOfMemoryError, so a leak shows as a dead process.
   */
  static ChildJvm infer(Map<String, String> kafka, Path stateDir, String heap, String... flags) throws IOException {
    return inferOnPorts(kafka, stateDir, heap, "0", flags);
  }

  /** As {@link #infer(Map, Path, String, String...)}, the endpoint on {@code metricsPorts} (a port or a range). */
  static ChildJvm inferOnPorts(Map<String, String> kafka, Path stateDir, String heap, String metricsPorts, String... flags)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("infer", "--model", SHIPPED_MODEL.toString(), "--application-id", APPLICATION_ID,
        "--state-dir", stateDir.toString(), "--metrics-port", metricsPorts,
        // a killed instance's partitions move on after 6 s instead of the default 45 s
        "-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=1000"));
    args.addAll(kafkaArgs(kafka));
    args.addAll(List.of(flags));
    return ChildJvm.startWith(List.of("-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError"), null, args.toArray(String[]::new));
  }

  /** Waits until an {@code infer} process serves and returns its metrics URL. */
  static String awaitServing(ChildJvm inference) throws InterruptedException {
    String line = inference.awaitLog("Inference running", Duration.ofSeconds(120));
    Matcher m = METRICS_URL.matcher(line);
    if (!m.find()) {
      throw new AssertionError("no metrics URL in: " + line);
    }
    return m.group(1);
  }

  /** {@code actionstream events} from the beginning, stopping after {@code max} events. */
  static ChildJvm events(Map<String, String> kafka, int max) throws IOException {
    List<String> args = new ArrayList<>(List.of("events", "--from-beginning", "--max", Integer.toString(max)));
    args.addAll(kafkaArgs(kafka));
    return ChildJvm.startWith(List.of("-Xmx256m"), null, args.toArray(String[]::new));
  }

  static List<String> kafkaArgs(Map<String, String> kafka) {
    List<String> args = new ArrayList<>();
    kafka.forEach((key, value) -> {
      if (key.equals("bootstrap.servers")) {
        args.addAll(List.of("-b", value));
      } else {
        args.addAll(List.of("-X", key + "=" + value));
      }
    });
    return args;
  }
}
