package io.actionstream.training.study;

import java.util.List;

/**
 * The setting an arm goes to the test split with, and the validation evidence it was chosen on.
 * {@link SettingSelector} makes them, from validation records; the test split opens only for one.
 *
 * @param arm the arm's name
 * @param setting the chosen setting
 * @param seeds the seeds every setting of the grid had finished, over which means were taken
 * @param grid every setting with its mean validation top-1 over those seeds, in the plan's order
 */
public record Selection(String arm, Setting setting, List<Long> seeds, List<Candidate> grid) {

  /** One setting's mean validation top-1 over the selection's seeds. */
  public record Candidate(Setting setting, double meanValidationTop1) {}

  public Selection {
    seeds = List.copyOf(seeds);
    grid = List.copyOf(grid);
  }

  public double meanValidationTop1() {
    return grid.stream().filter(c -> c.setting().equals(setting)).findFirst().orElseThrow().meanValidationTop1();
  }
}
