package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class JitSettlingTest {

  private static final JitSettling SETTLING = new JitSettling(Duration.ofMillis(100), Duration.ofSeconds(1), 0.05);

  /** Readings 100 ms apart in which the JIT compilers used the given milliseconds of CPU, one step after another. */
  private static Supplier<CpuUse> readings(long... jitMsPerStep) {
    List<CpuUse> list = new ArrayList<>();
    long jit = 0;
    list.add(reading(0, 0));
    for (int i = 0; i < jitMsPerStep.length; i++) {
      jit += jitMsPerStep[i];
      list.add(reading(i + 1, jit));
    }
    int[] next = {0};
    return () -> list.get(Math.min(next[0]++, list.size() - 1));
  }

  private static CpuUse reading(int step, long jitMs) {
    return new CpuUse(Map.of(CpuUse.JIT, jitMs * 1_000_000), jitMs * 1_000_000, step * 100_000_000L);
  }

  @Test
  void waitsWhileTheCompilersAreBusyAndEndsAtTheirFirstQuietStep() throws Exception {
    List<Duration> slept = new ArrayList<>();

    JitSettling.Settled settled = SETTLING.await(readings(90, 60, 30, 4, 80), slept::add);

    // 30 ms in 100 ms is 0.3 cores, busy; 4 ms is 0.04, quiet: the fifth step is never waited for
    assertThat(slept).hasSize(4).containsOnly(Duration.ofMillis(100));
    assertThat(settled.quiet()).isTrue();
    assertThat(settled.waitedNanos()).isEqualTo(400_000_000L);
    assertThat(settled.jitNanos()).isEqualTo(184_000_000L);
    assertThat(settled.describe()).isEqualTo("waited 400 ms for the JIT compilers' queue from the set-up (184 ms of their CPU)");
  }

  @Test
  void givesUpAtTheMostItMayWait() throws Exception {
    List<Duration> slept = new ArrayList<>();

    JitSettling.Settled settled = SETTLING.await(readings(50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50), slept::add);

    assertThat(slept).hasSize(10);
    assertThat(settled.quiet()).isFalse();
    assertThat(settled.waitedNanos()).isEqualTo(1_000_000_000L);
    assertThat(settled.describe()).endsWith("(500 ms of their CPU, not yet quiet)");
  }

  @Test
  void refusesAStepLongerThanTheWaitOrNoQuietShare() {
    assertThatThrownBy(() -> new JitSettling(Duration.ofSeconds(2), Duration.ofSeconds(1), 0.05))
        .hasMessageContaining("0 < step <= max");
    assertThatThrownBy(() -> new JitSettling(Duration.ofMillis(100), Duration.ofSeconds(1), 0))
        .hasMessageContaining("above 0");
  }
}
