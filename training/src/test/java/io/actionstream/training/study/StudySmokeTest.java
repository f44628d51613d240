package io.actionstream.training.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.actionstream.training.distill.EpochStats;
import io.actionstream.training.distill.ModelTrainer;
import io.actionstream.training.synth.SynthActionsWriter;
import io.actionstream.training.synth.SynthOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole study in seconds on a tiny generated SynthActions set: real DJL training of a teacher,
 * a baseline, a distilled student with weight 0 (so it must train exactly as the baseline of its
 * seed) and a plain CNN with a two-point grid; selection, the test reading, the report; and a
 * second study that is stopped after one epoch and resumed.
 */
class StudySmokeTest {

  @TempDir static Path dir;
  private static StudyOutcome outcome;

  @BeforeAll
  static void runStudy() throws Exception {
    new SynthActionsWriter(SynthOptions.DEFAULTS.withClipsPerClass(6).withSize(48).withFrames(8)).write(dir.resolve("data"), 2, d -> {});
    Files.writeString(dir.resolve("plan.yaml"), plan("work", "out", """
          - name: teacher
            kind: teacher
            learning-rates: [0.003]
          - name: baseline
            kind: baseline
            learning-rates: [0.003]
          - name: distill-zero
            kind: attention-distillation
            learning-rates: [0.003]
            weights: [0.0]
          - name: plain-cnn
            kind: plain-cnn
            learning-rates: [0.003, 0.01]
        """));
    outcome = new StudyRunner(StudyPlan.read(dir.resolve("plan.yaml")), 2, () -> false).run(true);
  }

  static String plan(String work, String output, String arms) {
    return """
        name: smoke
        datasets:
          main: data
        work: %s
        output: %s
        seeds: [1, 2]
        input:
          frames: 8
          size: 32
          cache-size: 40
          widths: [4, 8, 8, 16]
          flow-bound: 4
        budget:
          epochs: 2
          batch-size: 8
          validation-share: 0.2
        arms:
        %s""".formatted(work, output, arms);
  }

  @Test
  void everyArmSettingAndSeedIsTrainedAndEveryArmSelected() {
    assertThat(outcome.complete()).isTrue();
    assertThat(outcome.runs()).hasSize(2 * 5);
    assertThat(outcome.selections()).containsOnlyKeys("teacher", "baseline", "distill-zero", "plain-cnn");
    assertThat(outcome.tests()).hasSize(2 * 4);
  }

  @Test
  void armsOfOneSeedStartFromTheSameWeightsAndSeeTheSameClips() throws Exception {
    // weight 0: the student's objective is the baseline's, so any difference would come from the seed not being paired
    for (long seed : List.of(1L, 2L)) {
      byte[] baseline = Files.readAllBytes(weights("baseline", seed));
      byte[] student = Files.readAllBytes(weights("distill-zero", seed));
      assertThat(student).as("seed %d", seed).isEqualTo(baseline);
    }
    assertThat(Files.readAllBytes(weights("baseline", 1))).as("another seed, other weights")
        .isNotEqualTo(Files.readAllBytes(weights("baseline", 2)));
  }

  @Test
  void theTestSplitIsReadOnlyForSelectedSettingsOncePerSeed() {
    StudyData data = outcome.data().get("main");
    assertThat(data.development().test()).as("what training and selection get").isEmpty();
    List<String> reads = data.test().reads();
    assertThat(reads).doesNotHaveDuplicates().hasSize(2 * 4);
    for (Selection selection : outcome.selections().values()) {
      for (long seed : List.of(1L, 2L)) {
        assertThat(reads).contains(selection.arm() + " " + selection.setting().key() + " seed " + seed);
      }
    }
    Setting chosen = outcome.selection("plain-cnn").orElseThrow().setting();
    assertThat(reads).filteredOn(r -> r.startsWith("plain-cnn")).allMatch(r -> r.contains(chosen.key()));
  }

  @Test
  void aSecondInvocationReadsEverythingFromTheCache() {
    long before = outcome.runs().size();
    StudyOutcome again = new StudyRunner(StudyPlan.read(dir.resolve("plan.yaml")), 2, () -> {
      throw new AssertionError("nothing should be trained, so nothing asks whether to stop");
    }).run(true);
    assertThat(again.runs()).hasSize((int) before);
    assertThat(again.data().get("main").test().reads()).as("test results are cached too").isEmpty();
    assertThat(again.tests()).hasSameSizeAs(outcome.tests());
  }

  @Test
  void theReportShowsEveryArmWithChanceLevelsAndThePairedTest() throws Exception {
    Path report = StudyReport.write(outcome, "smoke test");
    String text = Files.readString(report);
    assertThat(text).contains("**Complete:**", "Selection rule", "Chance: top-1 10.0%", "uniform map", "centre prior",
        "Paired comparisons with the best baseline", "McNemar", "| distill-zero |", "| plain-cnn |");
    assertThat(text).containsPattern("\\*\\*(No verdict on the benchmark:|Verdict: )");
    assertThat(report.resolveSibling(StudyPlots.TOP1)).isNotEmptyFile();
    assertThat(report.resolveSibling(StudyPlots.CURVES)).isNotEmptyFile();
  }

  @Test
  void aStoppedStudyResumesMidRunWithItsScheduleAndOptimizerState() throws Exception {
    Files.writeString(dir.resolve("resume.yaml"), plan("resume-work", "resume-out", """
          - name: baseline
            kind: baseline
            learning-rates: [0.003]
        """));
    StudyPlan plan = StudyPlan.read(dir.resolve("resume.yaml"));
    AtomicInteger asked = new AtomicInteger();
    // asked before the run (go on) and after its first epoch (stop)
    StudyOutcome stopped = new StudyRunner(plan, 2, () -> asked.incrementAndGet() > 1).run(true);
    assertThat(stopped.complete()).isFalse();
    assertThat(stopped.runs()).isEmpty();
    Path checkpoint = dir.resolve("resume-work/runs/baseline").resolve(new Setting(0.003f, 2, 0f).key()).resolve("seed-1");
    assertThat(checkpoint.resolve("optimizer.bin")).isNotEmptyFile();

    StudyOutcome resumed = new StudyRunner(plan, 2, () -> false).run(true);
    assertThat(resumed.complete()).isTrue();
    RunRecord straight = outcome.runs("baseline", new Setting(0.003f, 2, 0f)).stream().filter(r -> r.seed() == 1).findFirst().orElseThrow();
    RunRecord again = resumed.runs("baseline", new Setting(0.003f, 2, 0f)).stream().filter(r -> r.seed() == 1).findFirst().orElseThrow();
    List<EpochStats> a = straight.history();
    List<EpochStats> b = again.history();
    assertThat(b).hasSameSizeAs(a);
    for (int e = 0; e < a.size(); e++) {
      assertThat(b.get(e).trainLoss()).as("epoch %d", e + 1).isCloseTo(a.get(e).trainLoss(), within(1e-5));
      assertThat(b.get(e).validationAccuracy()).as("epoch %d", e + 1).isEqualTo(a.get(e).validationAccuracy());
    }
  }

  private static Path weights(String arm, long seed) {
    StudyPlan plan = outcome.plan();
    StudyPlan.Arm a = plan.arm(arm);
    Setting setting = a.settings(plan.budget()).get(0);
    return plan.work().resolve("runs").resolve(arm).resolve(setting.key()).resolve("seed-" + seed).resolve(ModelTrainer.BEST);
  }
}
