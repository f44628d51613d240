package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.actionstream.schemas.v1.Timings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkTimeTest {

  private static Timings batch(float ms, int size) {
    return Timings.newBuilder().setInferenceMs(ms).setBatchSize(size).build();
  }

  /** The events of one batch of {@code size} clips that took {@code ms}: each carries the batch's time and size. */
  private static List<Timings> events(float ms, int size) {
    List<Timings> events = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      events.add(batch(ms, size));
    }
    return events;
  }

  @Test
  void eachBatchCountsOnceHoweverManyOfItsClipsReport() {
    List<Timings> events = new ArrayList<>(events(200, 8)); // 25 ms a clip
    events.addAll(events(40, 1)); // 40 ms a clip
    NetworkTime time = NetworkTime.of(events);
    assertThat(time.clips()).isEqualTo(9);
    assertThat(time.wallMsPerClip()).as("240 ms of batches for 9 clips").isCloseTo(240.0 / 9, within(1e-4));
    assertThat(time.meanBatch()).as("8 clips in batches of 8, one alone").isCloseTo(65.0 / 9, within(1e-9));
  }

  @Test
  void aBurstOnTwoCoresTakesHalfItsClipsTime() {
    NetworkTime time = NetworkTime.of(events(240, 8)); // 30 ms a clip
    assertThat(time.burstMs(30, 2)).isCloseTo(450, within(1e-6));
  }

  @Test
  void theWorkAroundTheNetworkStretchesItsBatchesByTheCoresItLeaves() {
    assertThat(NetworkTime.stretchBeside(0, 2)).as("nothing around it").isEqualTo(1.0);
    assertThat(NetworkTime.stretchBeside(0.4, 2)).as("1.6 of 2 cores left").isCloseTo(1.25, within(1e-9));
    assertThat(NetworkTime.stretchBeside(1, 4)).as("3 of 4 cores left").isCloseTo(4.0 / 3, within(1e-9));
    assertThat(NetworkTime.stretchBeside(2, 2)).as("no core left").isInfinite();
    assertThatThrownBy(() -> NetworkTime.stretchBeside(-0.1, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noEventsGiveNoFigures() {
    NetworkTime time = NetworkTime.of(List.of());
    assertThat(time.clips()).isZero();
    assertThat(time.wallMsPerClip()).isNaN();
  }

  @Test
  void anEventWithoutItsBatchSizeIsRefused() {
    assertThatThrownBy(() -> NetworkTime.of(List.of(batch(10, 0)))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch size");
  }
}
