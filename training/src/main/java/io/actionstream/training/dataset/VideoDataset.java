package io.actionstream.training.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A labelled video data set with a train and a test list, as read from a UCF101- or
 * HMDB51-style folder.
 *
 * @param root the data folder
 * @param layout which layout it was read as
 * @param classes class names; a sample's label indexes this list
 * @param train training videos
 * @param test test videos
 */
public record VideoDataset(Path root, Layout layout, List<String> classes, List<VideoSample> train, List<VideoSample> test) {

  /** The folder layouts the reader understands. */
  public enum Layout {
    /** classInd.txt, trainlistNN.txt, testlistNN.txt; class folders with the videos. */
    UCF101,
    /** CLASS_test_splitN.txt files marking each video 1 (train), 2 (test) or 0 (unused). */
    HMDB51
  }

  public VideoDataset {
    classes = List.copyOf(classes);
    train = List.copyOf(train);
    test = List.copyOf(test);
  }

  /**
   * The label a clip of class {@code label} gets when mirrored left-right: a class whose name
   * says left becomes the matching right one and vice versa (walk_left / walk_right); any
   * other class keeps its label.
   */
  public int flippedLabel(int label) {
    String name = classes.get(label).toLowerCase(Locale.ROOT);
    String partner =
        name.contains("left") ? name.replace("left", "right")
            : name.contains("right") ? name.replace("right", "left") : name;
    for (int i = 0; i < classes.size(); i++) {
      if (classes.get(i).toLowerCase(Locale.ROOT).equals(partner)) {
        return i;
      }
    }
    return label;
  }
}
