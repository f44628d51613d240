package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CameraSearchTest {

  /** A machine that holds up to {@code capacity} cameras, recording the counts it was asked to run. */
  private static final class Machine implements CameraSearch.Trial<Integer> {
    final int capacity;
    final List<Integer> tried = new ArrayList<>();

    Machine(int capacity) {
      this.capacity = capacity;
    }

    @Override
    public Integer run(int cameras) {
      tried.add(cameras);
      return cameras;
    }

    boolean holds(int cameras) {
      return cameras <= capacity;
    }
  }

  @Test
  void stepsDownThenHalvesTheGapToTheCountThatFailed() throws Exception {
    Machine machine = new Machine(84);
    CameraSearch.Result<Integer> found = new CameraSearch(6, 2).search(135, machine, machine::holds);

    // 135 and 108 fail, 86 fails, 68 holds; then 77 holds and 81 holds
    assertThat(machine.tried).containsExactly(135, 108, 86, 68, 77, 81);
    assertThat(found.sustained()).isTrue();
    assertThat(found.cameras()).isEqualTo(81);
    assertThat(found.run()).isEqualTo(81);
    assertThat(found.fewestFailed()).isEqualTo(86);
  }

  @Test
  void aFailedHalvingNarrowsTheGapFromAbove() throws Exception {
    Machine machine = new Machine(70);
    CameraSearch.Result<Integer> found = new CameraSearch(6, 2).search(86, machine, machine::holds);

    // 86 fails, 68 holds, 77 fails, 72 fails: 68 stays the answer
    assertThat(machine.tried).containsExactly(86, 68, 77, 72);
    assertThat(found.cameras()).isEqualTo(68);
    assertThat(found.fewestFailed()).isEqualTo(72);
  }

  @Test
  void aFirstGuessThatHoldsIsTheAnswerWithoutRefining() throws Exception {
    Machine machine = new Machine(500);
    CameraSearch.Result<Integer> found = new CameraSearch(6, 2).search(120, machine, machine::holds);

    assertThat(machine.tried).containsExactly(120);
    assertThat(found.cameras()).isEqualTo(120);
    assertThat(found.fewestFailed()).isZero();
  }

  @Test
  void noCountHoldingIsReportedAsNotSustained() throws Exception {
    Machine machine = new Machine(0);
    CameraSearch.Result<Integer> found = new CameraSearch(3, 2).search(10, machine, machine::holds);

    assertThat(machine.tried).containsExactly(10, 8, 6);
    assertThat(found.sustained()).isFalse();
    assertThat(found.cameras()).isEqualTo(6);
  }
}
