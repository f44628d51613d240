package io.actionstream.training.study;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a study produced so far: every finished training run (validation numbers), each
 * arm's selection, the test readings of the selected settings, and whether the whole grid is
 * done.
 *
 * @param plan the plan
 * @param data the prepared data sets by name
 * @param runs finished (arm, setting, seed) runs
 * @param selections each arm's selection, for arms with at least one seed of every setting
 * @param tests the test readings of the selected settings
 * @param missing the runs not finished yet, as "arm setting seed"
 * @param elapsed the wall time of this invocation
 */
public record StudyOutcome(StudyPlan plan, Map<String, StudyData> data, List<RunRecord> runs, Map<String, Selection> selections,
    List<TestRecord> tests, List<String> missing, Duration elapsed) {

  public boolean complete() {
    return missing.isEmpty();
  }

  public List<TestRecord> tests(String arm) {
    return tests.stream().filter(t -> t.arm().equals(arm)).toList();
  }

  public Optional<Selection> selection(String arm) {
    return Optional.ofNullable(selections.get(arm));
  }

  public List<RunRecord> runs(String arm, Setting setting) {
    return runs.stream().filter(r -> r.arm().equals(arm) && r.setting().equals(setting)).toList();
  }
}
