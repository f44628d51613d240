package io.actionstream.training.distill;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.frame.FrameEncodings;
import io.actionstream.training.OfflineEngine;
import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.DatasetReader;
import io.actionstream.training.dataset.FrameCache;
import io.actionstream.training.dataset.PreparedDataset;
import io.actionstream.training.dataset.VideoDataset;
import io.actionstream.training.network.NetworkSpec;
import io.actionstream.training.synth.SynthActionsWriter;
import io.actionstream.training.synth.SynthOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped after an epoch and resumed trains as one that never stopped: the same weights
 * at the end, because the checkpoint restores Adam's moments and the learning-rate schedule's
 * position along with the weights. Without the moments the result differs, which is what makes
 * this test able to fail.
 */
class ResumeTest {

  @TempDir static Path dir;
  private static ModelTrainer trainer;
  private static final NetworkSpec SPEC = new NetworkSpec(3, 8, 32, 32, new int[] {4, 8, 8, 16}, 10);

  @BeforeAll
  static void prepare() throws Exception {
    OfflineEngine.configure(dir.resolve("djl"));
    new SynthActionsWriter(SynthOptions.DEFAULTS.withClipsPerClass(6).withSize(48).withFrames(8)).write(dir.resolve("data"), 2, d -> {});
    VideoDataset data = DatasetReader.read(dir.resolve("data"), 1);
    ModelSpec contract = new ModelSpec("student", "test", data.classes(),
        ModelSpec.input(8, 32, 32, 8, ClipSpec.MEAN, ClipSpec.STD, 40, FrameEncodings.DEFAULT), ModelSpec.attention(2, 4, 4), 0.01);
    PreparedDataset prepared = PreparedDataset.prepare(data, new FrameCache(dir.resolve("cache"), contract, 64), null, 0.1, 1, 2);
    trainer = new ModelTrainer(prepared, new ClipSampler(new ClipSpec(contract, 1)),
        new TrainOptions(3, 8, 3e-3f, 1e-4f, 0f, AttentionDistance.KL, 7));
  }

  @Test
  void aStoppedRunResumesWhereItStopped() throws Exception {
    List<float[]> straight;
    try (TrainedModel model = trainer.train(Role.BASELINE, SPEC, null, dir.resolve("straight"))) {
      assertThat(model.history()).hasSize(3);
      straight = weights(model);
    }

    try (TrainedModel stopped = trainer.train(Role.BASELINE, SPEC, null, dir.resolve("stopped"), () -> true)) {
      assertThat(stopped.history()).as("stopped after its first epoch").hasSize(1);
    }
    copy(dir.resolve("stopped"), dir.resolve("without-moments"));
    List<float[]> resumed;
    try (TrainedModel model = trainer.train(Role.BASELINE, SPEC, null, dir.resolve("stopped"))) {
      assertThat(model.history()).hasSize(3);
      resumed = weights(model);
    }
    assertThat(maxDifference(straight, resumed)).as("resumed vs never stopped").isLessThan(1e-5);

    Files.delete(dir.resolve("without-moments").resolve(Role.BASELINE.label()).resolve("optimizer.bin"));
    try (TrainedModel model = trainer.train(Role.BASELINE, SPEC, null, dir.resolve("without-moments"))) {
      assertThat(maxDifference(straight, weights(model))).as("resumed with Adam's moments lost").isGreaterThan(1e-4);
    }
  }

  private static List<float[]> weights(TrainedModel model) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : model.network().getParameters()) {
      NDArray array = p.getValue().getArray();
      out.add(array.toFloatArray());
    }
    return out;
  }

  private static double maxDifference(List<float[]> a, List<float[]> b) {
    assertThat(a).hasSameSizeAs(b);
    double max = 0;
    for (int i = 0; i < a.size(); i++) {
      for (int j = 0; j < a.get(i).length; j++) {
        max = Math.max(max, Math.abs(a.get(i)[j] - b.get(i)[j]));
      }
    }
    return max;
  }

  private static void copy(Path from, Path to) throws Exception {
    try (var files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}
