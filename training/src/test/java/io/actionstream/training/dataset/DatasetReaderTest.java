package io.actionstream.training.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actionstream.training.synth.SynthActionsWriter;
import io.actionstream.training.synth.SynthOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real-format loaders on generated data: the layouts, and what a broken folder says. */
class DatasetReaderTest {

  private static final io.actionstream.model.ModelSpec MODEL = io.actionstream.model.TestSpecs.spec(
      8, 32, 32, io.actionstream.model.ModelContract.SHORT_SIDE_CENTRE_CROP, 40, 2, 4, 4, 0.45f, 0.225f);

  @TempDir Path root;

  @BeforeEach
  void writeTinySet() throws Exception {
    new SynthActionsWriter(SynthOptions.DEFAULTS.withClipsPerClass(8).withSize(48).withFrames(8)).write(root, 2, done -> {});
  }

  @Test
  void readsTheUcf101LayoutWithBoxes() {
    VideoDataset data = DatasetReader.read(root, 1);

    assertThat(data.layout()).isEqualTo(VideoDataset.Layout.UCF101);
    assertThat(data.classes()).hasSize(10).startsWith("raise_arm", "lower_arm");
    assertThat(data.train().size() + data.test().size()).isEqualTo(80);
    assertThat(data.test()).hasSize(20);
    assertThat(data.train()).allMatch(VideoSample::hasBoxes);
    assertThat(data.train().get(0).video()).exists();
    assertThat(data.flippedLabel(data.classes().indexOf("walk_left"))).isEqualTo(data.classes().indexOf("walk_right"));
    assertThat(data.flippedLabel(data.classes().indexOf("jump"))).isEqualTo(data.classes().indexOf("jump"));
  }

  @Test
  void readsTheHmdb51LayoutFromSplitFiles() throws Exception {
    Files.delete(root.resolve("classInd.txt"));
    Path splits = Files.createDirectories(root.resolve("splits"));
    for (String cls : List.of("wave", "jump")) {
      List<String> lines = new ArrayList<>();
      try (var videos = Files.list(root.resolve(cls))) {
        videos.sorted().forEach(v -> lines.add(v.getFileName() + " " + (lines.isEmpty() ? 2 : 1)));
      }
      Files.write(splits.resolve(cls + "_test_split1.txt"), lines);
    }

    VideoDataset data = DatasetReader.read(root, 1);

    assertThat(data.layout()).isEqualTo(VideoDataset.Layout.HMDB51);
    assertThat(data.classes()).containsExactly("jump", "wave");
    assertThat(data.test()).hasSize(2);
    assertThat(data.train()).hasSize(14);
  }

  @Test
  void missingSplitFilesAreNamed() throws Exception {
    Files.delete(root.resolve("classInd.txt"));
    assertThatThrownBy(() -> DatasetReader.read(root, 1))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("no split files in " + root)
        .hasMessageContaining("classInd.txt");

    Files.writeString(root.resolve("classInd.txt"), "1 a\n2 b\n");
    Files.delete(root.resolve("testlist01.txt"));
    assertThatThrownBy(() -> DatasetReader.read(root, 1))
        .hasMessageContaining("testlist01.txt is missing");
  }

  @Test
  void anUnknownClassIsNamedWithFileAndLine() throws Exception {
    Path train = root.resolve("trainlist01.txt");
    Files.writeString(train, "dance/v_dance_g09_c001.avi 11\n", StandardOpenOption.APPEND);
    int line = Files.readAllLines(train).size();

    assertThatThrownBy(() -> DatasetReader.read(root, 1))
        .isInstanceOf(DatasetException.class)
        .hasMessageStartingWith(train + " line " + line + ": unknown class 'dance'");
  }

  @Test
  void aLabelThatContradictsClassIndIsNamed() throws Exception {
    Path train = root.resolve("trainlist01.txt");
    List<String> lines = Files.readAllLines(train);
    lines.set(0, lines.get(0).replaceFirst(" \\d+$", " 7"));
    Files.write(train, lines);

    assertThatThrownBy(() -> DatasetReader.read(root, 1)).hasMessageContaining(train + " line 1: label 7 does not match class");
  }

  @Test
  void aListedVideoThatDoesNotExistIsNamed() throws Exception {
    Path test = root.resolve("testlist01.txt");
    String first = Files.readAllLines(test).get(0);
    Files.delete(root.resolve(first));

    assertThatThrownBy(() -> DatasetReader.read(root, 1))
        .hasMessageStartingWith(test + " line 1: video " + first + " does not exist");
  }

  @Test
  void aCorruptVideoIsSkippedAndListedButAFolderOfThemFails(@TempDir Path cache) throws Exception {
    VideoDataset data = DatasetReader.read(root, 1);
    VideoSample victim = data.train().get(0);
    Files.write(victim.video(), new byte[] {0, 1, 2, 3, 4, 5, 6, 7});

    PreparedDataset prepared = PreparedDataset.prepare(data, new FrameCache(cache.resolve("a"), MODEL, 64), null, 0.1, 1, 2);
    assertThat(prepared.skipped()).extracting(PreparedDataset.Skipped::name).containsExactly(victim.name());
    assertThat(prepared.skipped().get(0).reason()).contains(victim.video().toString());
    assertThat(prepared.train().size() + prepared.validation().size()).isEqualTo(data.train().size() - 1);

    for (VideoSample sample : data.train().subList(0, 10)) {
      Files.write(sample.video(), new byte[] {9, 9, 9});
    }
    assertThatThrownBy(() -> PreparedDataset.prepare(data, new FrameCache(cache.resolve("b"), MODEL, 64), null, 0.1, 1, 2))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("10 of 80 videos")
        .hasMessageContaining("cannot be decoded");
  }
}
