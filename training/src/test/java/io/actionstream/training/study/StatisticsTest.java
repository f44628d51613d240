package io.actionstream.training.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatisticsTest {

  @Test
  void theSeedIntervalIsStudentsT() {
    // 1..5: mean 3, sd sqrt(2.5), t(0.975, 4) = 2.776445
    SeedSummary s = SeedSummary.of(1, 2, 3, 4, 5);
    assertThat(s.n()).isEqualTo(5);
    assertThat(s.mean()).isEqualTo(3.0);
    assertThat(s.sd()).isCloseTo(Math.sqrt(2.5), within(1e-12));
    double half = 2.776445 * Math.sqrt(2.5) / Math.sqrt(5);
    assertThat(s.low()).isCloseTo(3 - half, within(1e-5));
    assertThat(s.high()).isCloseTo(3 + half, within(1e-5));
    assertThat(SeedSummary.of(0.7).sd()).as("one seed has no spread").isNaN();
  }

  @Test
  void mcNemarIsTheExactBinomialTest() {
    // 1 vs 9 discordant clips: 2 * P(X <= 1 | 10, 1/2) = 2 * 11 / 1024
    assertThat(PairedComparison.mcNemar(1, 9)).isCloseTo(22.0 / 1024, within(1e-12));
    assertThat(PairedComparison.mcNemar(9, 1)).isCloseTo(22.0 / 1024, within(1e-12));
    assertThat(PairedComparison.mcNemar(5, 5)).isEqualTo(1.0);
    assertThat(PairedComparison.mcNemar(0, 0)).isEqualTo(1.0);
  }

  @Test
  void thePairedBootstrapIsCentredOnTheDifferenceAndExcludesZeroForAClearWinner() {
    boolean[] a = new boolean[200];
    boolean[] b = new boolean[200];
    for (int i = 0; i < 200; i++) {
      a[i] = i < 160; // 80%
      b[i] = i < 100; // 50%, and every clip b gets right, a gets right too
    }
    PairedComparison c = PairedComparison.of(a, b, 2000, 1);
    assertThat(c.onlyA()).isEqualTo(60);
    assertThat(c.onlyB()).isZero();
    assertThat(c.difference()).isEqualTo(0.3);
    assertThat(c.low()).isBetween(0.23, 0.30);
    assertThat(c.high()).isBetween(0.30, 0.37);
    assertThat(c.mcNemarP()).isLessThan(1e-15);
    PairedComparison same = PairedComparison.of(a, a, 500, 1);
    assertThat(same.low()).isZero();
    assertThat(same.high()).isZero();
    assertThat(same.mcNemarP()).isEqualTo(1.0);
  }
}
