package io.actionstream.training.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actionstream.training.distill.AttentionDistance;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyPlanTest {

  @TempDir Path dir;

  private Path write(String arms) throws Exception {
    Path file = dir.resolve("plan.yaml");
    Files.writeString(file, """
        datasets:
          main: data
        seeds: [1, 2, 3]
        budget:
          epochs: 5
        arms:
        """ + arms);
    return file;
  }

  @Test
  void theShippedPlanReadsAndItsGridsAreWhatTheReportClaims() {
    StudyPlan plan = StudyPlan.read(Path.of(System.getProperty("user.dir")).getParent().resolve("studies/synthactions.yaml"));
    assertThat(plan.seeds()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(plan.arm("baseline").settings(plan.budget())).hasSize(3);
    assertThat(plan.arm("baseline").learningRates()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(plan.arm("baseline").epochs()).contains(2 * plan.budget().epochs());
    assertThat(plan.arm("plain-cnn").settings(plan.budget())).isEqualTo(plan.arm("baseline").settings(plan.budget()));
    assertThat(plan.arm("distill-kl").weights()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(plan.arm("distill-l2").distance()).isEqualTo(AttentionDistance.L2);
    assertThat(plan.arms()).extracting(StudyPlan.Arm::kind).contains(ArmKind.values());
    assertThat(plan.datasets()).containsKeys("main", "easy");
  }

  @Test
  void pathsAreRelativeToThePlanAndDefaultsFillTheRest() throws Exception {
    StudyPlan plan = StudyPlan.read(write("""
          - name: baseline
            kind: baseline
            learning-rates: [0.001, 0.003]
        """));
    assertThat(plan.datasets().get("main")).isEqualTo(dir.resolve("data").toAbsolutePath());
    assertThat(plan.input().size()).isEqualTo(112);
    assertThat(plan.input().cacheSize()).isEqualTo(128);
    assertThat(plan.arm("baseline").settings(plan.budget())).containsExactly(new Setting(0.001f, 5, 0), new Setting(0.003f, 5, 0));
  }

  @Test
  void mistakesAreNamed() throws Exception {
    assertThatThrownBy(() -> StudyPlan.read(write("""
          - name: student
            kind: attention-distillation
            learning-rates: [0.001]
            weights: [1]
        """))).isInstanceOf(StudyPlanException.class).hasMessageContaining("arm 'student' learns from teacher arm 'teacher'");
    assertThatThrownBy(() -> StudyPlan.read(write("""
          - name: student
            kind: distillation
            learning-rates: [0.001]
        """))).isInstanceOf(StudyPlanException.class).hasMessageContaining("'distillation' is not an arm kind");
    assertThatThrownBy(() -> StudyPlan.read(write("""
          - name: flow
            kind: flow-magnitude
            learning-rates: [0.001]
        """))).isInstanceOf(StudyPlanException.class).hasMessageContaining("arm 'flow' (flow-magnitude) needs 'weights'");
    assertThatThrownBy(() -> StudyPlan.read(write("""
          - name: baseline
            kind: baseline
            learning-rate: [0.001]
        """))).isInstanceOf(StudyPlanException.class).hasMessageContaining("learning-rate");
    assertThatThrownBy(() -> StudyPlan.read(write("""
          - name: baseline
            kind: baseline
            dataset: easy
            learning-rates: [0.001]
        """))).isInstanceOf(StudyPlanException.class).hasMessageContaining("dataset 'easy' is not in 'datasets'");
  }
}
