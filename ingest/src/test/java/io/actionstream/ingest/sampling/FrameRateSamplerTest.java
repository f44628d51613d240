package io.actionstream.ingest.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FrameRateSamplerTest {

  @Test
  void thirtyToTenKeepsEveryThirdFrame() {
    assertThat(kept(new FrameRateSampler(10), 30, 30))
        .containsExactlyElementsOf(IntStream.range(0, 10).map(i -> 3 * i).boxed().toList());
  }

  @Test
  void twentyFiveToTenKeepsTheFirstFrameOfEachHundredMilliseconds() {
    assertThat(kept(new FrameRateSampler(10), 25, 25)).containsExactly(0, 3, 5, 8, 10, 13, 15, 18, 20, 23);
  }

  @Test
  void aSourceSlowerThanTheTargetKeepsEveryFrame() {
    assertThat(kept(new FrameRateSampler(30), 12, 24))
        .containsExactlyElementsOf(IntStream.range(0, 24).boxed().toList());
  }

  @Test
  void droppedSourceFramesDoNotShiftTheSlots() {
    FrameRateSampler sampler = new FrameRateSampler(5);
    // 25 fps source with frames 3..12 lost: slots of 200 ms still start at 0, 200, 400, ...
    List<Long> kept = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      if (i >= 3 && i <= 12) {
        continue;
      }
      if (sampler.accept(i * 40_000L)) {
        kept.add(i * 40_000L);
      }
    }
    assertThat(kept).containsExactly(0L, 520_000L, 600_000L, 800_000L);
  }

  @Test
  void aTimestampJumpingBackwardsStartsAgain() {
    FrameRateSampler sampler = new FrameRateSampler(10);
    assertThat(sampler.accept(5_000_000)).isTrue();
    assertThat(sampler.accept(5_050_000)).isFalse();
    assertThat(sampler.accept(1_000)).as("stream restarted").isTrue();
    assertThat(sampler.accept(60_000)).isFalse();
    assertThat(sampler.accept(101_000)).isTrue();
  }

  private static List<Integer> kept(FrameRateSampler sampler, double sourceFps, int frames) {
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      if (sampler.accept(Math.round(i * 1_000_000 / sourceFps))) {
        kept.add(i);
      }
    }
    return kept;
  }
}
