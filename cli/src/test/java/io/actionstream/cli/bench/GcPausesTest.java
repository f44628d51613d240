package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GcPausesTest {

  @Test
  void aCollectionWhileWatchedIsCountedAndOnlyFromTheGivenTime() throws Exception {
    try (GcPauses pauses = GcPauses.watch()) {
      long before = System.nanoTime();
      System.gc();
      long deadline = System.nanoTime() + 10_000_000_000L;
      // the collectors' notifications arrive on a thread of their own
      while (pauses.since(before).count() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      GcPauses.Summary summary = pauses.since(before);
      assertThat(summary.count()).as("the full collection System.gc() asks for").isGreaterThanOrEqualTo(1);
      assertThat(summary.totalMs()).isGreaterThanOrEqualTo(summary.longestMs());
      assertThat(pauses.since(System.nanoTime() + 1_000_000_000L).count()).as("none end in the future").isZero();
    }
  }
}
