package io.actionstream.training.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads a labelled video folder in one of the two layouts of the field:
 *
 * <ul>
 *   <li><b>UCF101</b>: class folders with the videos; {@code classInd.txt} ("1 ApplyEyeMakeup"),
 *       {@code trainlist01.txt} ("ApplyEyeMakeup/v_..._g08_c01.avi 1") and {@code
 *       testlist01.txt} ("ApplyEyeMakeup/v_..._g01_c01.avi"), in the folder or in {@code
 *       ucfTrainTestlist/}. SynthActions adds {@code boxes/CLASS/VIDEO.txt}.
 *   <li><b>HMDB51</b>: class folders; split files {@code CLASS_test_split1.txt} with lines "video.avi
 *       N" where N is 1 for train, 2 for test, 0 for unused, in the folder, in {@code splits/} or in
 *       {@code testTrainMulti_7030_splits/}.
 * </ul>
 *
 * Every problem (no split files, a listed video that does not exist, a class that is not in
 * the class list) fails with the file and line at fault. Whether the videos decode is checked
 * later, by {@link FrameCache}: a corrupt video is skipped, not fatal.
 */
public final class DatasetReader {

  private DatasetReader() {}

  /** Reads split {@code split} (1-3 in UCF101 and HMDB51) of the folder {@code root}. */
  public static VideoDataset read(Path root, int split) {
    if (!Files.isDirectory(root)) {
      throw new DatasetException("data folder " + root + " does not exist or is not a folder");
    }
    String suffix = String.format("%02d", split);
    for (Path dir : List.of(root, root.resolve("ucfTrainTestlist"))) {
      if (Files.isRegularFile(dir.resolve("classInd.txt"))) {
        return readUcf101(root, dir, suffix);
      }
    }
    for (Path dir : List.of(root, root.resolve("splits"), root.resolve("testTrainMulti_7030_splits"))) {
      if (hasHmdbSplits(dir, split)) {
        return readHmdb51(root, dir, split);
      }
    }
    throw new DatasetException(
        "no split files in " + root + ": expected classInd.txt, trainlist" + suffix + ".txt and testlist"
            + suffix + ".txt (UCF101 layout, also in ucfTrainTestlist/) or CLASS_test_split" + split
            + ".txt files (HMDB51 layout, also in splits/)");
  }

  private static VideoDataset readUcf101(Path root, Path listDir, String suffix) {
    Path classInd = listDir.resolve("classInd.txt");
    List<String> classes = new ArrayList<>();
    Map<String, Integer> byName = new HashMap<>();
    List<String> lines = lines(classInd);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 2 || !parts[0].matches("\\d+") || Integer.parseInt(parts[0]) != classes.size() + 1) {
        throw new DatasetException(
            classInd + " line " + (i + 1) + ": expected '" + (classes.size() + 1) + " CLASS_NAME', got '" + line + "'");
      }
      byName.put(parts[1], classes.size());
      classes.add(parts[1]);
    }
    if (classes.size() < 2) {
      throw new DatasetException(classInd + ": at least two classes are needed, found " + classes.size());
    }
    Path trainList = require(listDir.resolve("trainlist" + suffix + ".txt"));
    Path testList = require(listDir.resolve("testlist" + suffix + ".txt"));
    return new VideoDataset(
        root, VideoDataset.Layout.UCF101, classes,
        readUcfList(root, trainList, classes, byName), readUcfList(root, testList, classes, byName));
  }

  private static List<VideoSample> readUcfList(Path root, Path list, List<String> classes, Map<String, Integer> byName) {
    List<VideoSample> samples = new ArrayList<>();
    List<String> lines = lines(list);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty()) {
        continue;
      }
      String where = list + " line " + (i + 1);
      String[] parts = line.split("\\s+");
      String name = parts[0];
      int slash = name.indexOf('/');
      if (slash <= 0) {
        throw new DatasetException(where + ": expected CLASS/VIDEO, got '" + name + "'");
      }
      String className = name.substring(0, slash);
      Integer label = byName.get(className);
      if (label == null) {
        throw new DatasetException(where + ": unknown class '" + className + "'; classInd.txt lists " + classes);
      }
      if (parts.length > 1 && !parts[1].equals(String.valueOf(label + 1))) {
        throw new DatasetException(
            where + ": label " + parts[1] + " does not match class '" + className + "', which is " + (label + 1) + " in classInd.txt");
      }
      samples.add(sample(root, name, label, where));
    }
    if (samples.isEmpty()) {
      throw new DatasetException(list + " lists no videos");
    }
    return samples;
  }

  private static boolean hasHmdbSplits(Path dir, int split) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith("_test_split" + split + ".txt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static VideoDataset readHmdb51(Path root, Path splitDir, int split) {
    String suffix = "_test_split" + split + ".txt";
    Map<String, Path> splitFiles = new TreeMap<>();
    try (Stream<Path> files = Files.list(splitDir)) {
      files.filter(f -> f.getFileName().toString().endsWith(suffix))
          .forEach(f -> {
            String name = f.getFileName().toString();
            splitFiles.put(name.substring(0, name.length() - suffix.length()), f);
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> classes = new ArrayList<>(splitFiles.keySet());
    List<VideoSample> train = new ArrayList<>();
    List<VideoSample> test = new ArrayList<>();
    for (int label = 0; label < classes.size(); label++) {
      String className = classes.get(label);
      if (!Files.isDirectory(root.resolve(className))) {
        throw new DatasetException(
            splitFiles.get(className) + ": there is no class folder " + root.resolve(className));
      }
      List<String> lines = lines(splitFiles.get(className));
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).trim();
        if (line.isEmpty()) {
          continue;
        }
        String where = splitFiles.get(className) + " line " + (i + 1);
        String[] parts = line.split("\\s+");
        if (parts.length != 2 || !parts[1].matches("[012]")) {
          throw new DatasetException(where + ": expected 'VIDEO 0|1|2', got '" + line + "'");
        }
        if (parts[1].equals("0")) {
          continue;
        }
        VideoSample sample = sample(root, className + "/" + parts[0], label, where);
        (parts[1].equals("1") ? train : test).add(sample);
      }
    }
    if (train.isEmpty() || test.isEmpty()) {
      throw new DatasetException(splitDir + ": the *" + suffix + " files mark no " + (train.isEmpty() ? "training" : "test") + " videos");
    }
    return new VideoDataset(root, VideoDataset.Layout.HMDB51, classes, train, test);
  }

  private static VideoSample sample(Path root, String name, int label, String where) {
    Path video = root.resolve(name);
    if (!Files.isRegularFile(video)) {
      throw new DatasetException(where + ": video " + name + " does not exist (looked for " + video + ")");
    }
    if (!Files.isReadable(video)) {
      throw new DatasetException(where + ": video " + video + " is not readable");
    }
    String stem = name.substring(0, name.lastIndexOf('.') > 0 ? name.lastIndexOf('.') : name.length());
    Path boxes = root.resolve("boxes").resolve(stem + ".txt");
    return new VideoSample(video, name, label, Files.isRegularFile(boxes) ? boxes : null);
  }

  private static Path require(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException("split file " + file + " is missing (UCF101 layout: classInd.txt, trainlistNN.txt, testlistNN.txt)");
    }
    return file;
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
