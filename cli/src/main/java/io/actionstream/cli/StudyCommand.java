package io.actionstream.cli;

import io.actionstream.training.study.StudyOutcome;
import io.actionstream.training.study.StudyPlan;
import io.actionstream.training.study.StudyPlanException;
import io.actionstream.training.study.StudyReport;
import io.actionstream.training.study.StudyRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code actionstream study}: the distillation study of a plan file, resumable, with its report. */
@Command(
    name = "study",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the study a plan describes: train every arm (teacher, tuned baselines, distilled students, controls) for "
          + "every setting of its grid and every paired seed; choose each arm's setting on the validation split only; "
          + "read the test split once per selected setting and seed; write a report (Markdown + PNG) with mean +- sd "
          + "over seeds, 95%% confidence intervals, chance levels and paired tests against the best baseline.",
      "Every finished run is cached: a study that stops (Ctrl-C, --time-budget, the machine going away) resumes "
          + "where it was, mid-run from the last epoch's checkpoint (weights, Adam's moments, learning-rate schedule)."
    },
    footer = {
      "",
      "Example (the study in the README):",
      "  actionstream synth -o data/study/synthactions --clips-per-class 80",
      "  actionstream synth -o data/study/synthactions-easy --clips-per-class 80 --max-distractors 0 --jitter 0",
      "  actionstream study --plan studies/synthactions.yaml"
    })
final class StudyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = {"-p", "--plan"}, required = true, paramLabel = "FILE", description = "The study plan (YAML), e.g. studies/synthactions.yaml.")
  Path plan;

  @Option(names = "--report-only", description = "Train nothing: select, test and report on the runs finished so far.")
  boolean reportOnly;

  @Option(names = "--time-budget", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop training after the epoch that passes this much wall time (e.g. 2h), then report; a later run resumes.")
  Duration timeBudget;

  @Option(names = "--threads", description = "Threads for decoding and optical flow (default: the number of cores).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    StudyPlan studyPlan;
    try {
      studyPlan = StudyPlan.read(plan);
    } catch (StudyPlanException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Instant deadline = timeBudget == null ? null : Instant.now().plus(timeBudget);
    StudyOutcome outcome;
    try (StopSignal stop = new StopSignal()) {
      StudyRunner runner = new StudyRunner(studyPlan, threads != null ? threads : Runtime.getRuntime().availableProcessors(),
          () -> stop.requested() || (deadline != null && Instant.now().isAfter(deadline)));
      outcome = runner.run(!reportOnly);
    }
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    Path report = StudyReport.write(outcome, "bin/actionstream study " + String.join(" ", args));
    var out = spec.commandLine().getOut();
    out.println("Report: " + report.toAbsolutePath());
    out.println(outcome.complete() ? "Every run of the plan is done."
        : outcome.missing().size() + " runs are not done yet; run the same command again to resume.");
    out.flush();
    return 0;
  }
}
