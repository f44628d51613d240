package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.schemas.v1.Timings;
import java.util.List;
import org.junit.jupiter.api.Test;

class BurstsTest {

  /** A clip whose last frame was captured at {@code captureMs} and whose event came {@code latencyMs} later. */
  private static Timings clip(long captureMs, float latencyMs, float toClipMs) {
    return Timings.newBuilder().setEventTimeUs(captureMs * 1000 + Math.round(latencyMs * 1000)).setCaptureToEventMs(latencyMs)
        .setCaptureToClipMs(toClipMs).setNetworkWaitMs(1).setInferenceMs(8).setAnswerToEventMs(latencyMs - toClipMs - 9).setBatchSize(1)
        .build();
  }

  @Test
  void clipsCapturedTogetherFormABurstWhateverOrderTheirEventsCameIn() {
    // two bursts 2 s apart, their events arriving out of capture order (a slow clip of the first
    // burst after the first clips of the second)
    List<Timings> events = List.of(clip(10_003, 120, 40), clip(10_000, 300, 250), clip(12_001, 90, 30), clip(12_000, 410, 380),
        clip(10_001, 610, 520), clip(12_002, 95, 20));

    List<Bursts.Burst> bursts = Bursts.of(events).bursts();

    assertThat(bursts).extracting(Bursts.Burst::clips).containsExactly(3, 3);
    assertThat(bursts.get(0).captureUs()).isEqualTo(10_000_000L);
    assertThat(bursts.get(0).slowest().getCaptureToEventMs()).isEqualTo(610f);
    assertThat(bursts.get(1).slowest().getCaptureToEventMs()).isEqualTo(410f);
    assertThat(bursts.get(0).describe(9_000_000L)).isEqualTo(
        "at 1.0 s: 3 clips, slowest 610 ms (to the clip 520, waiting 1, network 8, answer to event 81)");
  }

  @Test
  void noEventsNoBursts() {
    assertThat(Bursts.of(List.of()).bursts()).isEmpty();
  }
}
