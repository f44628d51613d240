package io.actionstream.training.distill;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.actionstream.training.flow.FlowCache;
import io.actionstream.training.flow.FlowMethod;
import io.actionstream.training.network.NetworkSpec;
import io.actionstream.training.synth.SynthActionsWriter;
import io.actionstream.training.synth.SynthOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeds are paired across networks: with the distillation weight at 0, the student's objective
 * is the baseline's, so if both start from the same weights and see the same clips in the same
 * order with the same crops and flips, they end identical. Anything else a seed changed between
 * roles would make them differ.
 */
class PairedSeedsTest {

  @TempDir Path dir;

  @Test
  void aStudentWithoutDistillationTrainsExactlyLikeTheBaselineOfItsSeed() throws Exception {
    OfflineEngine.configure(dir.resolve("djl"));
    new SynthActionsWriter(SynthOptions.DEFAULTS.withClipsPerClass(6).withSize(48).withFrames(8)).write(dir.resolve("data"), 2, d -> {});
    VideoDataset data = DatasetReader.read(dir.resolve("data"), 1);
    ModelSpec contract = new ModelSpec("student", "test", data.classes(),
        ModelSpec.input(8, 32, 32, 8, ClipSpec.MEAN, ClipSpec.STD, 40, FrameEncodings.DEFAULT), ModelSpec.attention(2, 4, 4), 0.01);
    PreparedDataset prepared = PreparedDataset.prepare(data, new FrameCache(dir.resolve("cache"), contract, 64),
        new FlowCache(dir.resolve("flow"), FlowMethod.DIS, 4f), 0.1, 1, 2);
    ModelTrainer trainer = new ModelTrainer(prepared, new ClipSampler(new ClipSpec(contract, 1)),
        new TrainOptions(2, 8, 3e-3f, 1e-4f, 0f, AttentionDistance.KL, 5));
    NetworkSpec rgb = new NetworkSpec(3, 8, 32, 32, new int[] {4, 8, 8, 16}, 10);
    NetworkSpec flow = new NetworkSpec(2, 8, 32, 32, new int[] {4, 8, 8, 16}, 10);
    try (TrainedModel teacher = trainer.train(Role.TEACHER, flow, null, dir.resolve("ckpt"));
        TrainedModel baseline = trainer.train(Role.BASELINE, rgb, null, dir.resolve("ckpt"));
        TrainedModel student = trainer.train(Role.STUDENT, rgb, teacher, dir.resolve("ckpt"))) {
      assertThat(student.history().get(1).trainLoss()).isEqualTo(baseline.history().get(1).trainLoss());
      List<float[]> a = weights(baseline);
      List<float[]> b = weights(student);
      for (int i = 0; i < a.size(); i++) {
        assertThat(b.get(i)).as("parameter %d", i).containsExactly(a.get(i));
      }
    }
  }

  private static List<float[]> weights(TrainedModel model) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : model.network().getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }
}
