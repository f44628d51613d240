package io.actionstream.training.study;

import io.actionstream.training.dataset.PreparedDataset.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A data set's test clips, held apart from everything that trains or selects: they are handed
 * out only for a {@link Selection}, and every such read is logged, so the report can say the test
 * split was read once per selected setting and seed.
 */
public final class TestSplit {

  private final List<Item> items;
  private final List<String> reads = new ArrayList<>();

  public TestSplit(List<Item> items) {
    this.items = List.copyOf(items);
  }

  /** The test clips, for evaluating {@code selection}'s setting on {@code seed}. */
  public List<Item> open(Selection selection, long seed) {
    Objects.requireNonNull(selection, "the test split opens only for a selected setting");
    reads.add(selection.arm() + " " + selection.setting().key() + " seed " + seed);
    return items;
  }

  public int size() {
    return items.size();
  }

  /** Every read so far: arm, setting and seed. */
  public List<String> reads() {
    return List.copyOf(reads);
  }
}
