package io.actionstream.inference.topology;

import java.util.Map;
import java.util.SortedSet;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads frames back from the frames topic by offset. Clip assembly keeps its frames in memory
 * and changelogs only their offsets, so after a restore (a crash, a restart, a rebalance) the
 * frames of the clips being filled or waiting for their event are read again from the topic
 * they came from, rather than from a changelog that held every frame a second time.
 */
public interface FrameHistory {

  /**
   * The records of {@code partition} at {@code offsets} that the topic still holds, by offset
   * (one that retention deleted is missing from the answer).
   */
  Map<Long, byte[]> read(TopicPartition partition, SortedSet<Long> offsets);
}
