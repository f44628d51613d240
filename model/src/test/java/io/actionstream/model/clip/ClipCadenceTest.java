package io.actionstream.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ClipCadenceTest {

  @Test
  void withoutOverlapEverySixteenthFrameCompletesAClip() {
    ClipCadence cadence = ClipCadence.of(16, 0);

    assertThat(cadence.hop()).as("hop 0: the clip's length").isEqualTo(16);
    assertThat(LongStream.range(0, 64).filter(p -> cadence.framesToClipEnd(p) == 0))
        .containsExactly(15L, 31L, 47L, 63L);
    assertThat(cadence.framesToClipEnd(0)).isEqualTo(15);
    assertThat(cadence.framesToClipEnd(14)).isEqualTo(1);
    assertThat(cadence.framesToClipEnd(16)).as("the first frame of the second clip").isEqualTo(15);
  }

  @Test
  void overlappingClipsCompleteEveryHopAfterTheFirst() {
    ClipCadence cadence = new ClipCadence(16, 4);

    assertThat(LongStream.range(0, 30).filter(p -> cadence.framesToClipEnd(p) == 0))
        .containsExactly(15L, 19L, 23L, 27L);
    assertThat(cadence.framesToClipEnd(3)).as("before the first clip is full").isEqualTo(12);
    assertThat(cadence.framesToClipEnd(16)).isEqualTo(3);
  }

  @Test
  void aCadenceWithoutFramesOrHopIsRefused() {
    assertThatThrownBy(() -> new ClipCadence(0, 4)).hasMessageContaining("at least one frame");
    assertThatThrownBy(() -> new ClipCadence(16, 0)).hasMessageContaining("hop");
    assertThatThrownBy(() -> new ClipCadence(16, 17)).hasMessageContaining("1 to 16");
    assertThat(ClipCadence.of(16, 20).hop()).as("clips never skip frames").isEqualTo(16);
    assertThatThrownBy(() -> ClipCadence.of(16, 0).framesToClipEnd(-1)).hasMessageContaining("negative");
  }
}
