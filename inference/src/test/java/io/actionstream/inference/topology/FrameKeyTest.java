package io.actionstream.inference.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Frame keys must stay as they are: a restored offsets store is looked up by them, and they sort by sequence. */
class FrameKeyTest {

  @Test
  void keysAreTheZeroPaddedFormOfEarlierVersions() {
    Random random = new Random(7);
    LongStream edges = LongStream.of(0, 1, 9, 10, 99, 1_000_000, -1, -42, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1);
    LongStream.concat(edges, random.longs(2_000)).forEach(sequence ->
        assertThat(ClipProcessor.frameKey("cam-1", "session-a", sequence))
            .as("sequence %d", sequence)
            .isEqualTo("cam-1" + '\u0000' + "session-a" + '\u0000' + String.format("%020d", sequence)));
  }

  @Test
  void keysSortBySequenceWithinASession() {
    assertThat(ClipProcessor.frameKey("c", "s", 9)).isLessThan(ClipProcessor.frameKey("c", "s", 10));
    assertThat(ClipProcessor.frameKey("c", "s", 99)).isLessThan(ClipProcessor.frameKey("c", "s", 100));
  }
}
