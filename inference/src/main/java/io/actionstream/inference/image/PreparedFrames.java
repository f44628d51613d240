package io.actionstream.inference.image;

import io.actionstream.inference.model.ModelSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * The prepared pixels ({@link FramePreprocessor#prepare}) of frames waiting for their clip, by
 * frame key, so that each JPEG is decoded once, when it arrives. Kept in memory only: after a
 * restart or a rebalance the frames come back from the changelogged store without them and are
 * decoded again when their clip is complete.
 */
public final class PreparedFrames {

  private record Entry(ModelSpec spec, byte[] pixels) {}

  private final Map<String, Entry> entries = new HashMap<>();

  public void put(String key, ModelSpec spec, byte[] pixels) {
    entries.put(key, new Entry(spec, pixels));
  }

  /** The frame's pixels if they were prepared for a model with the same input as {@code spec}; else null. */
  public byte[] get(String key, ModelSpec spec) {
    Entry entry = entries.get(key);
    return entry != null && spec.sameInputAs(entry.spec()) ? entry.pixels() : null;
  }

  public void remove(String key) {
    entries.remove(key);
  }

  public int size() {
    return entries.size();
  }

  public void clear() {
    entries.clear();
  }
}
