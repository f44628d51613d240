package io.actionstream.training.study;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses an arm's setting on validation only: the highest mean validation top-1 over the seeds
 * that every setting of the grid has finished (so that no setting is judged on easier seeds), the
 * first in the plan's order among equals. It sees {@link RunRecord}s, which hold no test number,
 * and nothing else: it cannot read the test split.
 */
public final class SettingSelector {

  private SettingSelector() {}

  /** The selection among {@code grid} from {@code records} (of this arm); empty while no seed has every setting. */
  public static Optional<Selection> select(String arm, List<Setting> grid, List<RunRecord> records) {
    Set<Long> common = null;
    for (Setting setting : grid) {
      Set<Long> seeds = new LinkedHashSet<>();
      for (RunRecord record : records) {
        if (record.arm().equals(arm) && record.setting().equals(setting)) {
          seeds.add(record.seed());
        }
      }
      if (common == null) {
        common = seeds;
      } else {
        common.retainAll(seeds);
      }
    }
    if (common == null || common.isEmpty()) {
      return Optional.empty();
    }
    List<Selection.Candidate> candidates = new ArrayList<>();
    Selection.Candidate best = null;
    for (Setting setting : grid) {
      double sum = 0;
      for (RunRecord record : records) {
        if (record.arm().equals(arm) && record.setting().equals(setting) && common.contains(record.seed())) {
          sum += record.validationTop1();
        }
      }
      Selection.Candidate candidate = new Selection.Candidate(setting, sum / common.size());
      candidates.add(candidate);
      if (best == null || candidate.meanValidationTop1() > best.meanValidationTop1()) {
        best = candidate;
      }
    }
    return Optional.of(new Selection(arm, best.setting(), List.copyOf(common), candidates));
  }
}
