package io.actionstream.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void readsDurationsAsPeopleWriteThemAndInIso8601() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse(" 30s ")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("5 m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("2H")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("pt0.5s")).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void anythingElseSaysWhatIsExpected() {
    for (String bad : new String[] {"soon", "5", "1.5s", "-3s", "P", ""}) {
      assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("expected a duration such as 500ms, 2s, 1m or 1h, got '" + bad.trim() + "'");
    }
  }
}
