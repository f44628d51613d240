package io.actionstream.training.study;

import io.actionstream.training.distill.EpochStats;
import io.actionstream.training.evaluation.Localization;
import io.actionstream.training.study.StudyPlan.Arm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Writes a study's report ({@code report.md} and its plots) into the plan's output folder: what
 * was run and on what, the selection rule and every arm's grid, per arm mean +- sd over seeds
 * with 95% confidence intervals, chance levels beside every localization score, paired tests of
 * every arm against the best baseline, the verdict, and which runs are not done.
 */
public final class StudyReport {

  /** Resamples of the paired bootstrap. */
  static final int RESAMPLES = 10_000;

  private StudyReport() {}

  public static Path write(StudyOutcome outcome, String commandLine) {
    StudyPlan plan = outcome.plan();
    try {
      Files.createDirectories(plan.output());
      StudyPlots.write(outcome, plan.output());
      Path file = plan.output().resolve("report.md");
      Files.writeString(file, String.join("\n", lines(outcome, commandLine)) + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the study report to " + plan.output(), e);
    }
  }

  static List<String> lines(StudyOutcome outcome, String commandLine) {
    StudyPlan plan = outcome.plan();
    StudyPlan.Input input = plan.input();
    StudyPlan.Budget budget = plan.budget();
    List<String> md = new ArrayList<>();
    md.add("# Study: " + plan.name());
    md.add("");
    md.add("Written " + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " by");
    md.add("");
    md.add("```");
    md.add(commandLine);
    md.add("```");
    md.add("");
    int total = outcome.runs().size() + outcome.missing().size();
    md.add(outcome.complete()
        ? "**Complete:** all " + total + " runs of the plan (every arm, setting and seed) are done."
        : "**Incomplete:** " + outcome.runs().size() + " of " + total + " runs are done; the missing ones are listed at the end. "
            + "Numbers below are over the seeds each arm has finished.");
    md.add("");
    md.add("## Setup");
    md.add("");
    md.add("| | |");
    md.add("|---|---|");
    for (StudyData data : outcome.data().values()) {
      md.add("| data `" + data.name() + "` | `" + data.root().getFileName() + "`: " + data.classes() + " classes; " + data.development().train().size()
          + " train, " + data.development().validation().size() + " validation (whole groups held out of the train list), "
          + data.test().size() + " test clips |");
    }
    md.add(String.format(Locale.ROOT, "| input | %d frames every %d decoded frame(s); frames scaled to a short side of %d, %dx%d crops "
        + "(random in training, centred in evaluation): a reduced input (serving's is 112x112 from 128), stated here because it lowers "
        + "every arm's accuracy |", input.frames(), input.stride(), input.cacheSize(), input.size(), input.size()));
    md.add("| network | the project's AttentionNet, widths " + Arrays.toString(input.widths()) + "; the plain CNN is the same backbone "
        + "with global average pooling |");
    md.add(String.format(Locale.ROOT, "| teacher input | %s optical flow, median motion removed, clipped to +-%.1f px |", input.flow().label(),
        input.flowBound()));
    md.add(String.format(Locale.ROOT, "| budget | %d epochs per network (E); a student's whole budget is 2E (its teacher's E and its own); "
        + "batch %d, Adam with a cosine learning rate to 2%%, weight decay %s; every arm on the same data |", budget.epochs(),
        budget.batchSize(), budget.weightDecay()));
    md.add("| seeds | " + plan.seeds() + ", paired: a seed gives every arm the same data order and augmentation and, where shapes "
        + "allow, the same initial weights |");
    md.add("");
    md.add("**Selection rule.** Each network is kept at its epoch with the best validation top-1 (early stopping within its budget). "
        + "Each arm's setting is the one with the highest mean validation top-1 over the seeds every setting of its grid has finished, "
        + "the first in the plan's order among equals. The selection code sees validation records only; the test split is held apart "
        + "and opened once per selected setting and seed (" + testReads(outcome) + " readings in this report).");
    md.add("");
    for (StudyData data : outcome.data().values()) {
      md.addAll(results(outcome, data));
    }
    md.add("## Plots");
    md.add("");
    md.add("![top-1 per arm](" + StudyPlots.TOP1 + ")");
    md.add("");
    md.add("Validation top-1 per epoch of each arm's selected setting (mean over seeds), and the training loss of every baseline "
        + "setting: the evidence of whether the baselines trained.");
    md.add("");
    md.add("![learning curves](" + StudyPlots.CURVES + ")");
    md.add("");
    md.addAll(grids(outcome));
    if (!outcome.complete()) {
      md.add("## Runs not done");
      md.add("");
      for (String missing : outcome.missing()) {
        md.add("- " + missing);
      }
      md.add("");
    }
    return md;
  }

  private static long testReads(StudyOutcome outcome) {
    return outcome.tests().size();
  }

  private static List<String> results(StudyOutcome outcome, StudyData data) {
    StudyPlan plan = outcome.plan();
    List<Arm> arms = plan.arms().stream().filter(a -> a.dataset().equals(data.name())).toList();
    List<String> md = new ArrayList<>();
    md.add("## Results on `" + data.name() + "` (test split, selected settings)");
    md.add("");
    double chance = 1.0 / data.classes();
    md.add(String.format(Locale.ROOT, "Chance: top-1 %.1f%% (%d classes). Each cell: mean +- sd over seeds [95%% confidence interval of the mean, "
        + "Student's t].", 100 * chance, data.classes()));
    md.add("");
    md.add("| arm | selected setting | seeds | top-1 | mean class acc. | pointing game, motion map | IoU, motion map | pointing game, "
        + "appearance map | IoU, appearance map | reversal consistency | train clips/s |");
    md.add("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Arm arm : arms) {
      Optional<Selection> selection = outcome.selection(arm.name());
      List<TestRecord> tests = outcome.tests(arm.name());
      if (selection.isEmpty() || tests.isEmpty()) {
        md.add("| " + arm.name() + " | not selected yet | 0 | | | | | | | | |");
        continue;
      }
      List<RunRecord> runs = outcome.runs(arm.name(), selection.get().setting());
      md.add("| " + arm.name() + " | " + selection.get().setting().describe(arm.kind()) + " | " + tests.size()
          + " | " + summary(tests, TestRecord::top1, true) + " | " + summary(tests, TestRecord::meanClassAccuracy, true)
          + " | " + summary(tests, t -> t.motion().pointingGame(), true) + " | " + summary(tests, t -> t.motion().meanIou(), false)
          + " | " + (arm.kind() == ArmKind.PLAIN_CNN ? "(no map)" : summary(tests, t -> t.appearance().pointingGame(), true))
          + " | " + (arm.kind() == ArmKind.PLAIN_CNN ? "(no map)" : summary(tests, t -> t.appearance().meanIou(), false))
          + " | " + summary(tests, t -> t.reversal().rate(), true)
          + " | " + String.format(Locale.ROOT, "%.0f", runs.stream().mapToDouble(RunRecord::trainClipsPerSecond).average().orElse(Double.NaN))
          + " |");
    }
    md.add("");
    md.add("Localization scores the boxes an event would carry (the serving code's boxes from the map, first box against the union of "
        + "the actor's true boxes over the clip); the pointing game asks whether the map's peak cell lies on the actor. The plain CNN "
        + "has no attention: its map is uniform, so its scores are the uniform map's. Reversal consistency: clips of the three "
        + "time-reversal pairs (raise/lower arm, sit down/stand up, bend down/straighten up) whose prediction turns into the partner "
        + "when played backwards; the walks are mirror images, not reversals, and are left out.");
    md.add("");
    md.add("Chance levels on the same test clips, scored the same way (mean over the arm's seeds):");
    md.add("");
    md.add("| map or boxes | pointing game | IoU |");
    md.add("|---|---:|---:|");
    List<TestRecord> all = arms.stream().flatMap(a -> outcome.tests(a.name()).stream()).toList();
    if (!all.isEmpty()) {
      md.add("| uniform map (one box: the whole crop; pointing: any cell) | " + mean(all, t -> t.chance().uniform()) + " |");
      md.add("| centre prior (a Gaussian at the centre) | " + mean(all, t -> t.chance().centrePrior()) + " |");
      for (Arm arm : arms) {
        List<TestRecord> tests = outcome.tests(arm.name());
        if (!tests.isEmpty() && arm.kind() != ArmKind.PLAIN_CNN) {
          md.add("| random boxes of " + arm.name() + "'s sizes, random cell | " + mean(tests, t -> t.chance().randomBoxes()) + " |");
        }
      }
    }
    md.add("");
    md.addAll(comparisons(outcome, data, arms, chance));
    return md;
  }

  private static String mean(List<TestRecord> tests, java.util.function.Function<TestRecord, Localization> which) {
    return pct(tests.stream().mapToDouble(t -> which.apply(t).pointingGame()).average().orElse(Double.NaN)) + " | "
        + num(tests.stream().mapToDouble(t -> which.apply(t).meanIou()).average().orElse(Double.NaN));
  }

  /** Every arm against the best baseline of its data set, clip by clip on the same seeds. */
  private static List<String> comparisons(StudyOutcome outcome, StudyData data, List<Arm> arms, double chance) {
    List<String> md = new ArrayList<>();
    Optional<Arm> baseline = best(outcome, arms, kind -> kind == ArmKind.BASELINE || kind == ArmKind.PLAIN_CNN);
    if (baseline.isEmpty()) {
      return md;
    }
    md.add("### Paired comparisons with the best baseline (`" + baseline.get().name() + "`, chosen among the baselines by validation)");
    md.add("");
    md.add("Difference in test top-1 (arm minus baseline), per seed and pooled over seeds; McNemar's exact test on the clips where "
        + "exactly one of the two is right (pooled over seeds, each clip of each seed once), and a paired bootstrap 95% interval over "
        + "those clip pairs (" + RESAMPLES + " resamples).");
    md.add("");
    md.add("| arm | seeds | difference, mean +- sd over seeds | clips only the arm gets right | clips only the baseline gets right | McNemar p | bootstrap 95% CI |");
    md.add("|---|---:|---:|---:|---:|---:|---:|");
    for (Arm arm : arms) {
      if (arm.name().equals(baseline.get().name()) || arm.kind() == ArmKind.TEACHER) {
        continue;
      }
      Optional<Paired> paired = paired(outcome, arm.name(), baseline.get().name());
      paired.ifPresent(p -> md.add("| " + arm.name() + " | " + p.seeds() + " | " + points(p.perSeed()) + " | " + p.comparison().onlyA()
          + " | " + p.comparison().onlyB() + " | " + pValue(p.comparison().mcNemarP()) + " | "
          + String.format(Locale.ROOT, "%+.1f to %+.1f points", 100 * p.comparison().low(), 100 * p.comparison().high()) + " |"));
    }
    md.add("");
    md.add(verdict(outcome, arms, baseline.get(), chance));
    md.add("");
    return md;
  }

  private record Paired(int seeds, SeedSummary perSeed, PairedComparison comparison) {}

  private static Optional<Paired> paired(StudyOutcome outcome, String a, String b) {
    List<boolean[]> left = new ArrayList<>();
    List<boolean[]> right = new ArrayList<>();
    List<Double> differences = new ArrayList<>();
    for (TestRecord ta : outcome.tests(a)) {
      for (TestRecord tb : outcome.tests(b)) {
        if (ta.seed() == tb.seed()) {
          left.add(ta.correct());
          right.add(tb.correct());
          differences.add(ta.top1() - tb.top1());
        }
      }
    }
    if (left.isEmpty()) {
      return Optional.empty();
    }
    boolean[] x = concat(left);
    boolean[] y = concat(right);
    return Optional.of(new Paired(left.size(), SeedSummary.of(differences.stream().mapToDouble(Double::doubleValue).toArray()),
        PairedComparison.of(x, y, RESAMPLES, 1)));
  }

  private static boolean[] concat(List<boolean[]> parts) {
    boolean[] all = new boolean[parts.stream().mapToInt(p -> p.length).sum()];
    int at = 0;
    for (boolean[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  /** The arm of {@code kinds} with the highest mean validation top-1 of its selection. */
  private static Optional<Arm> best(StudyOutcome outcome, List<Arm> arms, java.util.function.Predicate<ArmKind> kinds) {
    Arm best = null;
    double score = Double.NEGATIVE_INFINITY;
    for (Arm arm : arms) {
      Optional<Selection> selection = outcome.selection(arm.name());
      if (kinds.test(arm.kind()) && selection.isPresent() && !outcome.tests(arm.name()).isEmpty()
          && selection.get().meanValidationTop1() > score) {
        best = arm;
        score = selection.get().meanValidationTop1();
      }
    }
    return Optional.ofNullable(best);
  }

  private static String verdict(StudyOutcome outcome, List<Arm> arms, Arm baseline, double chance) {
    Optional<Arm> student = best(outcome, arms, kind -> kind == ArmKind.ATTENTION_DISTILLATION);
    if (student.isEmpty()) {
      return "**No verdict:** no attention-distillation arm has test results yet.";
    }
    double baselineTop1 = outcome.tests(baseline.name()).stream().mapToDouble(TestRecord::top1).average().orElse(Double.NaN);
    Paired p = paired(outcome, student.get().name(), baseline.name()).orElseThrow();
    String who = "The distilled student chosen by validation (`" + student.get().name() + "`, "
        + outcome.selection(student.get().name()).orElseThrow().setting().describe(student.get().kind()) + ")";
    String numbers = String.format(Locale.ROOT, " differs from the best tuned baseline by %+.1f +- %.1f points of test top-1 over %d seeds "
        + "(bootstrap 95%% CI %+.1f to %+.1f; McNemar p = %s).", 100 * p.perSeed().mean(), 100 * p.perSeed().sd(), p.seeds(),
        100 * p.comparison().low(), 100 * p.comparison().high(), pValue(p.comparison().mcNemarP()));
    boolean better = significant(p, true);
    String controls = controls(outcome, arms, baseline);
    if (baselineTop1 < 2 * chance) {
      if (better) {
        return "**Verdict: at this input and budget only attention distillation makes the RGB network learn.** Even the best tuned "
            + "baseline stays within twice chance (" + pct(baselineTop1) + "; its training loss and training accuracy in the grids "
            + "below show it fitting the training clips without generalizing), so how much distillation adds over an RGB network "
            + "that learns cannot be measured here. " + who + numbers + controls;
      }
      return "**No verdict on the benchmark:** even the best tuned baseline is within twice chance (" + pct(baselineTop1) + "). "
          + who + numbers + " An RGB network that learns nothing here cannot show how much distillation adds." + controls;
    }
    if (better) {
      return "**Verdict: attention distillation helps on this benchmark.** " + who + numbers + controls;
    }
    if (significant(p, false)) {
      return "**Verdict: attention distillation does not help; the tuned baseline is better.** " + who + numbers + controls;
    }
    return "**Verdict: no significant difference.** " + who + numbers + " This study cannot tell distillation from the tuned baseline."
        + controls;
  }

  /** Whether the bootstrap interval excludes 0 on the {@code positive} side and McNemar agrees at 5%. */
  private static boolean significant(Paired p, boolean positive) {
    return (positive ? p.comparison().low() > 0 : p.comparison().high() < 0) && p.comparison().mcNemarP() < 0.05;
  }

  /** What the controls say against the same baseline: which of them are significantly better. */
  private static String controls(StudyOutcome outcome, List<Arm> arms, Arm baseline) {
    List<String> better = new ArrayList<>();
    List<String> not = new ArrayList<>();
    for (Arm arm : arms) {
      if (arm.kind() != ArmKind.SHUFFLED_TEACHER && arm.kind() != ArmKind.LOGIT_DISTILLATION && arm.kind() != ArmKind.FLOW_MAGNITUDE) {
        continue;
      }
      paired(outcome, arm.name(), baseline.name()).ifPresent(p -> (significant(p, true) ? better : not).add("`" + arm.name() + "`"));
    }
    if (better.isEmpty() && not.isEmpty()) {
      return "";
    }
    return " Controls: " + (better.isEmpty() ? "none" : String.join(", ", better)) + " significantly above the best baseline"
        + (not.isEmpty() ? "" : "; not significantly: " + String.join(", ", not)) + ".";
  }

  private static List<String> grids(StudyOutcome outcome) {
    List<String> md = new ArrayList<>();
    md.add("## Selection grids (validation only)");
    md.add("");
    md.add("Mean validation top-1 (best epoch) over the seeds every setting has finished; the selected setting is in bold. The "
        + "training loss (cross-entropy; ln 10 = 2.30 is chance with 10 classes) and training top-1 are means over the same runs: a "
        + "falling loss with validation at chance is a network fitting its training clips without learning the actions.");
    md.add("");
    for (Arm arm : outcome.plan().arms()) {
      Optional<Selection> selection = outcome.selection(arm.name());
      md.add("**" + arm.name() + "** (" + arm.kind().label() + (arm.description().isEmpty() ? "" : ": " + arm.description()) + ")"
          + selection.map(s -> ", seeds " + s.seeds()).orElse(", no setting has every seed yet"));
      md.add("");
      if (selection.isPresent()) {
        md.add("| setting | mean validation top-1 | mean best epoch | training loss, first -> last epoch | training top-1, last epoch |");
        md.add("|---|---:|---:|---:|---:|");
        for (Selection.Candidate candidate : selection.get().grid()) {
          boolean chosen = candidate.setting().equals(selection.get().setting());
          List<RunRecord> runs = outcome.runs(arm.name(), candidate.setting());
          double epoch = runs.stream().mapToInt(RunRecord::bestEpoch).average().orElse(Double.NaN);
          double firstLoss = runs.stream().mapToDouble(r -> r.history().get(0).trainLoss()).average().orElse(Double.NaN);
          double lastLoss = runs.stream().mapToDouble(r -> r.history().get(r.history().size() - 1).trainLoss()).average().orElse(Double.NaN);
          double lastTrain = runs.stream().mapToDouble(r -> r.history().get(r.history().size() - 1).trainAccuracy()).average()
              .orElse(Double.NaN);
          String text = candidate.setting().describe(arm.kind());
          md.add("| " + (chosen ? "**" + text + "**" : text) + " | " + pct(candidate.meanValidationTop1())
              + String.format(Locale.ROOT, " | %.1f | %.2f -> %.2f | %s |", epoch, firstLoss, lastLoss, pct(lastTrain)));
        }
        md.add("");
      }
    }
    return md;
  }

  static String summary(List<TestRecord> tests, ToDoubleFunction<TestRecord> metric, boolean percent) {
    double[] values = tests.stream().mapToDouble(metric).filter(v -> !Double.isNaN(v)).toArray();
    if (values.length == 0) {
      return "n/a";
    }
    SeedSummary s = SeedSummary.of(values);
    double k = percent ? 100 : 1;
    String format = percent ? "%.1f" : "%.3f";
    String text = String.format(Locale.ROOT, format, k * s.mean());
    if (s.n() > 1) {
      text += String.format(Locale.ROOT, " +- " + format + " [" + format + ", " + format + "]", k * s.sd(), k * s.low(), k * s.high());
    }
    return text + (percent ? "%" : "");
  }

  private static String points(SeedSummary s) {
    return s.n() > 1 ? String.format(Locale.ROOT, "%+.1f +- %.1f", 100 * s.mean(), 100 * s.sd())
        : String.format(Locale.ROOT, "%+.1f", 100 * s.mean());
  }

  private static String pValue(double p) {
    if (p < 1e-15) {
      return "< 1e-15"; // below double precision's resolution near 1 - p
    }
    return p < 0.001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.3f", p);
  }

  private static String pct(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * value);
  }

  private static String num(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
  }

  /** Mean over runs of a history's values at each epoch (runs of one setting have equal lengths). */
  static double[] meanCurve(List<RunRecord> runs, ToDoubleFunction<EpochStats> metric) {
    int epochs = runs.stream().mapToInt(r -> r.history().size()).min().orElse(0);
    double[] curve = new double[epochs];
    for (RunRecord run : runs) {
      for (int e = 0; e < epochs; e++) {
        curve[e] += metric.applyAsDouble(run.history().get(e)) / runs.size();
      }
    }
    return curve;
  }
}
