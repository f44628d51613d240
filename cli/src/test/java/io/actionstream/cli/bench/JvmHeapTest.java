package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JvmHeapTest {

  @Test
  void saysHowBigTheHeapStartsAndWhetherItsPagesWereTouched() {
    assertThat(new JvmHeap(4L << 30, 6L << 30, true).describe())
        .isEqualTo("JVM heap: 4096 MiB at start, at most 6144 MiB, committed and touched at start (-XX:+AlwaysPreTouch).");
    assertThat(new JvmHeap(384L << 20, 6L << 30, false).describe())
        .startsWith("JVM heap: 384 MiB at start, at most 6144 MiB, its pages faulted in as it grows");
  }

  @Test
  void readsThisJvmsOwnHeap() {
    JvmHeap heap = JvmHeap.current();

    assertThat(heap.maxBytes()).isGreaterThanOrEqualTo(Runtime.getRuntime().totalMemory());
    assertThat(heap.initialBytes()).isPositive().isLessThanOrEqualTo(heap.maxBytes());
  }
}
