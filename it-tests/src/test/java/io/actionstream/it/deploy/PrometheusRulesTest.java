package io.actionstream.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The Prometheus configuration and alert rules of docker/prometheus, checked by promtool. */
class PrometheusRulesTest {

  private static final Path DIR = Tool.ROOT.resolve("docker/prometheus");

  @Test
  void promtoolAcceptsTheConfigurationAndTheRules() throws Exception {
    Tool promtool = Tool.require("promtool", "prometheus");
    Tool.Run config = promtool.run(DIR, "check", "config", "prometheus.yml");
    assertThat(config.exitCode()).as(config.output()).isZero();
    Tool.Run rules = promtool.run(DIR, "check", "rules", "alerts.yml");
    assertThat(rules.exitCode()).as(rules.output()).isZero();
    assertThat(rules.output()).contains("SUCCESS: 7 rules found");
  }

  @Test
  void everyAlertFiresOnABreakingSeriesAndStaysQuietOnAHealthyOne() throws Exception {
    Tool promtool = Tool.require("promtool", "prometheus");
    Tool.Run run = promtool.run(DIR, "test", "rules", "alerts.test.yml");
    assertThat(run.exitCode()).as(run.output()).isZero();
    // every alert of the rules file has a unit test that expects it to fire, and one that
    // expects silence (a quiet evaluation, or healthy series beside the breaking one)
    Set<String> fires = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (JsonNode test : PromQueries.unitTests(DIR.resolve("alerts.test.yml"))) {
      int series = test.path("input_series").size();
      for (JsonNode check : test.path("alert_rule_test")) {
        String alert = check.path("alertname").asText();
        int expected = check.path("exp_alerts").size();
        (expected > 0 ? fires : quiet).add(alert);
        if (expected > 0 && expected < series) {
          quiet.add(alert);
        }
      }
    }
    List<String> alerts = PromQueries.alertNames(DIR.resolve("alerts.yml"));
    assertThat(fires).as("alerts with a test in which they fire").containsExactlyInAnyOrderElementsOf(alerts);
    assertThat(quiet).as("alerts with a test in which a healthy series stays quiet").containsExactlyInAnyOrderElementsOf(alerts);
  }
}
