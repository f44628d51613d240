package io.actionstream.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The PromQL expressions operators see: every alert rule's and every dashboard panel's. */
final class PromQueries {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private PromQueries() {}

  /** Alert name to expression, in file order. */
  static Map<String, String> alerts(Path rulesFile) throws IOException {
    Map<String, String> alerts = new LinkedHashMap<>();
    for (JsonNode group : YAML.readTree(rulesFile.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        alerts.put(rule.path("alert").asText(), rule.path("expr").asText());
      }
    }
    return alerts;
  }

  static List<String> alertNames(Path rulesFile) throws IOException {
    return List.copyOf(alerts(rulesFile).keySet());
  }

  /** "panel title / legend" to expression, for every target of every panel. */
  static Map<String, String> dashboard(Path dashboardFile) throws IOException {
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonNode panel : JSON.readTree(dashboardFile.toFile()).path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.put(panel.path("title").asText() + " / " + target.path("refId").asText(), target.path("expr").asText());
      }
    }
    return queries;
  }

  /** The parsed alert unit tests of a promtool test file. */
  static JsonNode unitTests(Path testFile) throws IOException {
    return YAML.readTree(testFile.toFile()).path("tests");
  }
}
