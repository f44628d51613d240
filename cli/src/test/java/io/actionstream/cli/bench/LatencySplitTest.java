package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.schemas.v1.Timings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencySplitTest {

  @Test
  void eachPartHasItsOwnPercentiles() {
    List<Timings> timings = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      // the 100th event waited long for the network, the others not at all
      timings.add(Timings.newBuilder().setCaptureToClipMs(20 + i % 2).setNetworkWaitMs(i == 100 ? 300 : 0).setInferenceMs(10)
          .setAnswerToEventMs(4).build());
    }

    LatencySplit split = LatencySplit.of(timings);

    assertThat(split.networkWait().getValueAtPercentile(50)).isZero();
    assertThat(split.networkWait().getMaxValue()).isBetween(299_000L, 301_000L);
    assertThat(split.describe()).isEqualTo(
        "to the clip 20 / 21 ms, waiting for the network 0 / 0, in the network 10 / 10, from the answer to the event 4 / 4");
  }
}
