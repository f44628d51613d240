package io.actionstream.training.dataset;

import java.nio.file.Path;

/**
 * One labelled video of a data set.
 *
 * @param video the video file
 * @param name its path relative to the data folder, e.g. {@code walk_left/v_walk_left_g01_c001.avi}
 * @param label index into the data set's class list
 * @param boxes a file with the actor's box per frame (SynthActions), or {@code null}
 */
public record VideoSample(Path video, String name, int label, Path boxes) {

  public boolean hasBoxes() {
    return boxes != null;
  }
}
