package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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

    assertThat(bursts).extracting(b -> b.clips().size()).containsExactly(3, 3);
    assertThat(bursts.get(0).captureUs()).isEqualTo(10_000_000L);
    assertThat(bursts.get(0).slowest().getCaptureToEventMs()).isEqualTo(610f);
    assertThat(bursts.get(1).slowest().getCaptureToEventMs()).isEqualTo(410f);
    assertThat(bursts.get(0).describe(9_000_000L)).isEqualTo(
        "at 1.0 s: 3 clips, slowest 610 ms (to the clip 520, waiting 1, network 8, answer to event 81)");
  }

  @Test
  void noEventsNoBursts() {
    assertThat(Bursts.of(List.of()).bursts()).isEmpty();
    assertThat(Bursts.of(List.of()).percentileInterval(99, 0.95, 100, 1)).isNull();
  }

  @Test
  void burstsAlikeLeaveThePercentileNoRoomToMove() {
    Bursts alike = Bursts.of(bursts(20, i -> 500));

    Bursts.Interval interval = alike.percentileInterval(99, 0.95, 500, 7);

    assertThat(interval.low()).isEqualTo(interval.high()).isCloseTo(500 + 99 * 0.99, within(1.0));
  }

  @Test
  void oneSlowBurstInTwentySpansThePercentileFromTheFastBurstsToTheSlowOne() {
    // 19 bursts whose clips take 400-499 ms, one whose clips take 800-899 ms: the p99 (the 20th
    // slowest of 2,000 clips) is the slow burst's when a draw holds it, a fast burst's when not
    Bursts run = Bursts.of(bursts(20, i -> i == 13 ? 800 : 400));

    Bursts.Interval interval = run.percentileInterval(99, 0.95, 2000, 7);

    // a draw of 20 misses the slow burst with probability (19/20)^20 = 0.36
    assertThat(interval.low()).isBetween(490.0, 500.0);
    assertThat(interval.high()).isBetween(880.0, 900.0);
    assertThat(run.percentileInterval(99, 0.95, 2000, 7)).as("the same seed, the same interval").isEqualTo(interval);
  }

  /** {@code count} bursts 2 s apart of 100 clips each, burst i's clips taking base(i) + 0..99 ms. */
  private static List<Timings> bursts(int count, java.util.function.IntUnaryOperator base) {
    List<Timings> clips = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      for (int k = 0; k < 100; k++) {
        clips.add(clip(10_000 + 2_000L * i, base.applyAsInt(i) + k, 40));
      }
    }
    return clips;
  }
}
