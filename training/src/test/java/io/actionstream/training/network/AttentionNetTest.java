package io.actionstream.training.network;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import io.actionstream.training.distill.AttentionDistance;
import io.actionstream.training.distill.DistillationLoss;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttentionNetTest {

  private static final NetworkSpec SMALL = new NetworkSpec(3, 8, 32, 32, new int[] {4, 8, 8, 16}, 5);

  @Test
  void outputsLogitsAndTwoAttentionMapsThatEachSumToOne() {
    try (Model model = Model.newInstance("t"); Trainer trainer = trainer(model, SMALL)) {
      NDManager m = trainer.getManager();
      NDList out = trainer.evaluate(new NDList(m.randomNormal(new Shape(2, 3, 8, 32, 32))));

      assertThat(out.get(0).getShape()).isEqualTo(new Shape(2, 5));
      assertThat(out.get(1).getShape()).isEqualTo(new Shape(2, 2, 4, 4));
      assertThat(out.get(2).getShape()).isEqualTo(new Shape(2, 2, 4, 4));
      for (int map = 1; map <= 2; map++) {
        float[] sums = out.get(map).reshape(2, -1).sum(new int[] {1}).toFloatArray();
        assertThat(sums[0]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(sums[1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void gradientsOfTheDistillationObjectiveReachEveryTrainableParameter() {
    try (Model model = Model.newInstance("t"); Trainer trainer = trainer(model, SMALL)) {
      NDManager m = trainer.getManager();
      NDArray x = m.randomNormal(new Shape(4, 3, 8, 32, 32));
      NDArray labels = m.create(new int[] {0, 1, 2, 3});
      NDArray teacherMap = m.randomUniform(0, 1, new Shape(4, 32)).softmax(1).reshape(4, 2, 4, 4);
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDList out = trainer.forward(new NDList(x));
        collector.backward(new DistillationLoss(fixedMap(teacherMap)).evaluate(out, labels, null).total());
      }
      List<String> trainable = new ArrayList<>();
      List<String> withoutGradient = new ArrayList<>();
      for (var pair : model.getBlock().getParameters()) {
        Parameter parameter = pair.getValue();
        if (!parameter.requiresGradient()) {
          continue; // batch-norm running statistics
        }
        trainable.add(pair.getKey());
        NDArray gradient = parameter.getArray().getGradient();
        if (gradient.abs().sum().getFloat() == 0f) {
          withoutGradient.add(pair.getKey());
        }
      }
      assertThat(trainable).hasSizeGreaterThan(15);
      assertThat(withoutGradient).as("parameters the loss does not reach").isEmpty();
    }
  }

  @Test
  void theDefaultStudentStaysUnderTwoGflopsAndCountsItsParametersRight() {
    NetworkSpec student = NetworkSpec.of(3, 16, 112, 10);
    NetworkCost cost = NetworkCost.of(student);
    assertThat(cost.gflops()).isLessThan(2.0);

    try (Model model = Model.newInstance("t"); Trainer trainer = trainer(model, SMALL)) {
      long counted = 0;
      for (var pair : model.getBlock().getParameters()) {
        counted += pair.getValue().getArray().size();
      }
      assertThat(NetworkCost.of(SMALL).parameters()).isEqualTo(counted);
    }
  }

  @Test
  void thePlainCnnAveragesTheSameBackboneAndHasNoAttentionToLearn() {
    try (Model model = Model.newInstance("plain")) {
      model.setBlock(new AttentionNet(SMALL, AttentionNet.Pooling.AVERAGE));
      try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()))) {
        trainer.initialize(new Shape(2, 3, 8, 32, 32));
        NDManager m = trainer.getManager();
        NDList out = trainer.forward(new NDList(m.randomNormal(new Shape(2, 3, 8, 32, 32))));
        assertThat(out.get(0).getShape()).isEqualTo(new Shape(2, 5));
        float[] map = out.get(1).toFloatArray();
        assertThat(map).hasSize(2 * 32).containsOnly(1f / 32);
        List<String> names = new ArrayList<>();
        long counted = 0;
        for (var pair : model.getBlock().getParameters()) {
          names.add(pair.getKey());
          counted += pair.getValue().getArray().size();
        }
        assertThat(names).noneMatch(n -> n.startsWith("motion") || n.startsWith("appearance"));
        // the attention network's two score convolutions (16 weights + 1 bias each) and half its classifier are gone
        assertThat(NetworkCost.of(SMALL).parameters() - counted).isEqualTo(2 * 17 + 16 * 5);
      }
    }
  }

  private static Trainer trainer(Model model, NetworkSpec spec) {
    model.setBlock(new AttentionNet(spec));
    Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()));
    trainer.initialize(new Shape(2, spec.channels(), spec.frames(), spec.height(), spec.width()));
    return trainer;
  }

  /** A guidance towards a fixed map, for the gradient check. */
  private static io.actionstream.training.distill.Guidance fixedMap(NDArray target) {
    return new io.actionstream.training.distill.Guidance() {
      @Override
      public boolean needsFlow() {
        return false;
      }

      @Override
      public float weight() {
        return 1f;
      }

      @Override
      public NDArray term(NDList outputs, io.actionstream.training.distill.Batch batch, NDManager manager) {
        return AttentionDistance.KL.between(target, outputs.get(1));
      }

      @Override
      public String key() {
        return "fixed";
      }
    };
  }
}
