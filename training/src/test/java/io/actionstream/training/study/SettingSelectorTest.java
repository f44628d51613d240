package io.actionstream.training.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SettingSelectorTest {

  private static final Setting SLOW = new Setting(0.0003f, 10, 0);
  private static final Setting MID = new Setting(0.001f, 10, 0);
  private static final Setting FAST = new Setting(0.003f, 10, 0);
  private static final List<Setting> GRID = List.of(SLOW, MID, FAST);

  private static RunRecord run(Setting setting, long seed, double validation) {
    return new RunRecord("baseline", setting, seed, 1, validation, List.of(), 1);
  }

  @Test
  void theHighestMeanValidationTop1Wins() {
    Selection s = SettingSelector.select("baseline", GRID, List.of(
        run(SLOW, 1, 0.30), run(SLOW, 2, 0.50),
        run(MID, 1, 0.45), run(MID, 2, 0.45),
        run(FAST, 1, 0.60), run(FAST, 2, 0.20))).orElseThrow();
    assertThat(s.setting()).isEqualTo(MID);
    assertThat(s.meanValidationTop1()).isEqualTo(0.45);
    assertThat(s.grid()).extracting(Selection.Candidate::setting).containsExactly(SLOW, MID, FAST);
  }

  @Test
  void equalsGoToTheFirstOfThePlansOrder() {
    Selection s = SettingSelector.select("baseline", GRID, List.of(run(SLOW, 1, 0.4), run(MID, 1, 0.5), run(FAST, 1, 0.5))).orElseThrow();
    assertThat(s.setting()).isEqualTo(MID);
  }

  @Test
  void onlySeedsThatEverySettingFinishedCount() {
    // seed 2 of FAST is missing: its great seed-2 numbers of the others must not count, nor FAST's lucky seed 3
    Selection s = SettingSelector.select("baseline", GRID, List.of(
        run(SLOW, 1, 0.2), run(SLOW, 2, 0.9),
        run(MID, 1, 0.3), run(MID, 2, 0.9),
        run(FAST, 1, 0.25), run(FAST, 3, 0.99))).orElseThrow();
    assertThat(s.seeds()).containsExactly(1L);
    assertThat(s.setting()).isEqualTo(MID);
    assertThat(SettingSelector.select("baseline", GRID, List.of(run(SLOW, 1, 0.2), run(MID, 1, 0.3)))).as("FAST has no seed").isEmpty();
  }

  @Test
  void otherArmsRecordsAreIgnored() {
    RunRecord other = new RunRecord("plain-cnn", FAST, 1, 1, 1.0, List.of(), 1);
    Selection s = SettingSelector.select("baseline", GRID, List.of(run(SLOW, 1, 0.5), run(MID, 1, 0.4), run(FAST, 1, 0.3), other))
        .orElseThrow();
    assertThat(s.setting()).isEqualTo(SLOW);
  }
}
