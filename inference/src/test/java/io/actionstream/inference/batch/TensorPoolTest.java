package io.actionstream.inference.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TensorPoolTest {

  @Test
  void aTensorGivenBackIsHandedOutAgainInsteadOfANewOne() {
    TensorPool pool = new TensorPool(2);
    float[] first = pool.take(12);
    pool.give(first);
    assertThat(pool.take(12)).isSameAs(first);
    assertThat(pool.take(12)).isNotSameAs(first).hasSize(12);
  }

  @Test
  void thePoolKeepsNoMoreThanItsCapacityAndDropsTensorsOfAnotherSize() {
    TensorPool pool = new TensorPool(2);
    float[] a = pool.take(12);
    float[] b = pool.take(12);
    float[] c = pool.take(12);
    pool.give(a);
    pool.give(b);
    pool.give(c);
    assertThat(pool.free()).isEqualTo(2);

    // a model with another input size: the old tensors are not reused for it
    float[] other = pool.take(20);
    assertThat(other).hasSize(20).isNotSameAs(a).isNotSameAs(b);
    assertThat(pool.free()).isZero();
  }
}
