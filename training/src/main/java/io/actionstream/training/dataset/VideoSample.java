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

  private static final java.util.regex.Pattern GROUP = java.util.regex.Pattern.compile("_g(\\d+)_");

  public boolean hasBoxes() {
    return boxes != null;
  }

  /**
   * The recording group of the video: UCF101's {@code gXX} in the file name (clips of one
   * group share actors and scene, so they must not be split between training and validation),
   * or, for names without one (HMDB51), the video itself.
   */
  public String group() {
    String file = java.nio.file.Path.of(name).getFileName().toString();
    java.util.regex.Matcher m = GROUP.matcher(file);
    return m.find() ? "g" + Integer.parseInt(m.group(1)) : name;
  }
}
