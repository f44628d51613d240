package io.actionstream.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.inference.InferenceConfig;
import io.actionstream.inference.InferenceService;
import io.actionstream.ingest.IngestService;
import io.actionstream.ingest.config.IngestConfigReader;
import io.actionstream.model.runtime.ExecutionProvider;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's and the alerts' PromQL against a real Prometheus server (Debian's) scraping a
 * running pipeline: embedded broker, inference with the shipped student, ingest of the bundled
 * video. Every dashboard query returns data; every alert expression is valid and every metric
 * selector in it matches series, so a misspelt metric or label cannot survive.
 */
class PrometheusQueriesTest {

  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*\\})?");
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
      "unless", "bool", "offset", "inf", "nan");

  @TempDir static Path dir;
  private static EmbeddedKafkaBroker broker;
  private static InferenceService inference;
  private static IngestService ingest;
  private static Process prometheus;
  private static String api;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void startPipelineAndPrometheus() throws Exception {
    Tool server = Tool.require("prometheus", "prometheus");
    broker = EmbeddedKafkaBroker.start();
    Map<String, String> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
    inference = InferenceService.start(InferenceConfig.builder(kafka).applicationId("actionstream-inference")
        .modelFile(Tool.ROOT.resolve("models/student/student.onnx")).provider(ExecutionProvider.CPU).streamThreads(1)
        .stateDir(dir.resolve("state")).metricsPort(0).build());
    ingest = IngestService.start(IngestConfigReader.read(Files.writeString(dir.resolve("cameras.yaml"), """
        kafka: {bootstrap.servers: '%s'}
        metricsPort: 0
        cameras:
          - {id: demo, uri: '%s', fps: 8, loop: true}
        """.formatted(broker.bootstrapServers(), Tool.ROOT.resolve("samples/synthactions-demo.avi")))));

    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path rules = Files.copy(Tool.ROOT.resolve("docker/prometheus/alerts.yml"), dir.resolve("alerts.yml"));
    // the compose file's jobs, with the pipeline's ports in place of the containers' names
    Path config = Files.writeString(dir.resolve("prometheus.yml"), """
        global: {scrape_interval: 1s, evaluation_interval: 1s}
        rule_files: ['%s']
        scrape_configs:
          - job_name: actionstream-ingest
            static_configs: [{targets: ['127.0.0.1:%d']}]
          - job_name: actionstream-inference
            static_configs: [{targets: ['127.0.0.1:%d']}]
        """.formatted(rules, ingest.metricsPort(), inference.metricsPort()));
    prometheus = new ProcessBuilder(server.path(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
        "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile())
        .start();
    api = "http://127.0.0.1:" + port;
    // data for every query: a few scrapes after the first events (rates need two samples)
    awaitResult("sum(actionstream_inference_camera_events_total) > 0", Duration.ofSeconds(120));
    awaitResult("count_over_time(up{job=\"actionstream-inference\"}[1m]) >= 8", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      prometheus.waitFor(30, TimeUnit.SECONDS);
    }
    if (ingest != null) {
      ingest.close();
    }
    if (inference != null) {
      inference.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void everyDashboardQueryReturnsData() throws Exception {
    Map<String, String> queries = PromQueries.dashboard(Tool.ROOT.resolve("docker/grafana/dashboards/actionstream.json"));
    assertThat(queries).hasSizeGreaterThanOrEqualTo(16);
    Map<String, String> empty = new LinkedHashMap<>();
    for (Map.Entry<String, String> query : queries.entrySet()) {
      if (query(query.getValue()).isEmpty()) {
        empty.put(query.getKey(), query.getValue());
      }
    }
    assertThat(empty).as("dashboard queries without data").isEmpty();
  }

  @Test
  void everyAlertIsValidPromQlAndEveryMetricItNamesHasSeries() throws Exception {
    Map<String, String> alerts = PromQueries.alerts(Tool.ROOT.resolve("docker/prometheus/alerts.yml"));
    List<String> unmatched = new ArrayList<>();
    for (Map.Entry<String, String> alert : alerts.entrySet()) {
      query(alert.getValue()); // valid: the server evaluates it (healthy, so most return nothing)
      Set<String> selectors = selectors(alert.getValue());
      assertThat(selectors).as("metric selectors of %s", alert.getKey()).isNotEmpty();
      for (String selector : selectors) {
        if (query(selector).isEmpty()) {
          unmatched.add(alert.getKey() + ": " + selector);
        }
      }
    }
    assertThat(unmatched).as("selectors that match no series").isEmpty();
  }

  @Test
  void theServerLoadedEveryRuleAndEvaluatesThemWithoutErrorAndNoneFiresOnAHealthyPipeline() throws Exception {
    JsonNode groups = get("/api/v1/rules").path("data").path("groups");
    List<String> names = new ArrayList<>();
    for (JsonNode group : groups) {
      for (JsonNode rule : group.path("rules")) {
        names.add(rule.path("name").asText());
        assertThat(rule.path("health").asText()).as("%s: %s", rule.path("name").asText(), rule.path("lastError").asText())
            .isEqualTo("ok");
        assertThat(rule.path("state").asText()).as("%s on a healthy pipeline", rule.path("name").asText()).isEqualTo("inactive");
      }
    }
    assertThat(names).containsExactlyElementsOf(PromQueries.alertNames(Tool.ROOT.resolve("docker/prometheus/alerts.yml")));
  }

  @Test
  void theSelectorsOfAnExpressionAreItsMetricsWithTheirMatchers() {
    assertThat(selectors("histogram_quantile(0.99, sum by (le) (rate(a_bucket{job=~\"x-[0-9]+(y)\"}[5m]))) > 1"
        + " unless on (camera) sum by (camera) (rate(b_total[5m:30s])) and up == 0"))
        .containsExactly("a_bucket{job=~\"x-[0-9]+(y)\"}", "b_total", "up");
  }

  /** The metric selectors of an expression: names with their label matchers, functions and clauses left out. */
  static Set<String> selectors(String expression) {
    // strings out of the way first (label values hold brackets and parentheses), back at the end
    List<String> strings = new ArrayList<>();
    Matcher quoted = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"").matcher(expression);
    StringBuilder masked = new StringBuilder();
    while (quoted.find()) {
      strings.add(quoted.group());
      quoted.appendReplacement(masked, Matcher.quoteReplacement("\"" + (strings.size() - 1) + "\""));
    }
    quoted.appendTail(masked);
    String text = masked.toString().replaceAll("\\[[^\\]]*\\]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> selectors = new LinkedHashSet<>();
    Matcher m = SELECTOR.matcher(text);
    while (m.find()) {
      String name = m.group(1);
      boolean function = m.group(2) == null && text.substring(m.end()).stripLeading().startsWith("(");
      if (function || KEYWORDS.contains(name.toLowerCase()) || Character.isDigit(name.charAt(0))) {
        continue;
      }
      String matchers = m.group(2) == null ? "" : m.group(2);
      Matcher index = Pattern.compile("\"(\\d+)\"").matcher(matchers);
      StringBuilder restored = new StringBuilder();
      while (index.find()) {
        index.appendReplacement(restored, Matcher.quoteReplacement(strings.get(Integer.parseInt(index.group(1)))));
      }
      index.appendTail(restored);
      selectors.add(name + restored);
    }
    return selectors;
  }

  private static JsonNode query(String expression) throws Exception {
    JsonNode answer = get("/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
    assertThat(answer.path("status").asText()).as("%s: %s", expression, answer.path("error").asText()).isEqualTo("success");
    return answer.path("data").path("result");
  }

  private static void awaitResult(String expression, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (!query(expression).isEmpty()) {
          return;
        }
      } catch (java.io.IOException notYetListening) {
        // the server is still starting
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no data for " + expression + " within " + timeout + "; Prometheus log:\n"
        + Files.readString(dir.resolve("prometheus.log")));
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }
}
