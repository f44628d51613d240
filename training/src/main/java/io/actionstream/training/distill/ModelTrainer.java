package io.actionstream.training.distill;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.ClipWindow;
import io.actionstream.training.dataset.PreparedDataset.Item;
import io.actionstream.training.dataset.PreparedDataset;
import io.actionstream.training.network.AttentionNet;
import io.actionstream.training.network.NetworkSpec;
import io.actionstream.training.report.Progress;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BooleanSupplier;
import me.tongfei.progressbar.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one network of a run (teacher, baseline or student) with Adam and a cosine learning
 * rate, showing a progress bar with loss and accuracy, checking validation accuracy and saving a
 * checkpoint after every epoch. A run that finds a checkpoint of the same configuration in its
 * folder resumes after the last finished epoch where it stopped: weights, history, Adam's moments
 * and the learning-rate schedule's position carry over, and the epochs' data order and
 * augmentation depend only on the seed and the epoch, so a resumed run trains as one that never
 * stopped. The weights of the epoch with the best validation accuracy are kept beside the last
 * ones ({@link #BEST}), for early stopping.
 */
public final class ModelTrainer {

  private static final Logger log = LoggerFactory.getLogger(ModelTrainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The weights of the epoch with the best validation accuracy so far, beside {@code last.params}. */
  public static final String BEST = "best.params";

  private final PreparedDataset data;
  private final ClipSampler sampler;
  private final TrainOptions options;

  public ModelTrainer(PreparedDataset data, ClipSampler sampler, TrainOptions options) {
    this.data = data;
    this.sampler = sampler;
    this.options = options;
  }

  /**
   * Trains a network of {@code role}; the student needs the trained {@code teacher}, the others
   * pass null. Checkpoints go to {@code checkpoints/ROLE/}.
   */
  public TrainedModel train(Role role, NetworkSpec spec, TrainedModel teacher, Path checkpoints) {
    return train(role, spec, teacher, checkpoints, () -> false);
  }

  /**
   * As {@link #train(Role, NetworkSpec, TrainedModel, Path)}, asking {@code stop} after every
   * checkpoint whether to stop there (Ctrl-C, a time budget); a stopped network has fewer epochs
   * in its history, and a later run resumes it.
   */
  public TrainedModel train(Role role, NetworkSpec spec, TrainedModel teacher, Path checkpoints, BooleanSupplier stop) {
    if (role == Role.STUDENT && teacher == null) {
      throw new IllegalArgumentException("the student needs a trained teacher");
    }
    Guidance guidance = role == Role.STUDENT ? new AttentionGuidance(teacher, options.distance(), options.lambda(), false) : Guidance.NONE;
    return train(new TrainingJob(role.label(), role, spec, AttentionNet.Pooling.ATTENTION, guidance, checkpoints.resolve(role.label())), stop);
  }

  /**
   * Trains {@code job}'s network, resuming from a checkpoint of the same configuration in its
   * folder, asking {@code stop} after every checkpoint whether to stop there.
   */
  public TrainedModel train(TrainingJob job, BooleanSupplier stop) {
    ClipSpec clip = sampler.spec();
    Role role = job.role();
    NetworkSpec spec = job.spec();
    Path dir = job.checkpoints();
    // Paired seeds: every network of a seed starts from the same initial weights where the shapes
    // allow (the RGB ones; the flow teacher's first layer has other shapes) and sees the same data
    // order and augmentation, so that networks of one seed differ only in what they learn from.
    Engine.getInstance().setRandomSeed((int) options.seed());
    Model model = Model.newInstance(job.name());
    AttentionNet network = new AttentionNet(spec, job.pooling());
    model.setBlock(network);
    int stepsPerEpoch = (data.train().size() + options.batchSize() - 1) / options.batchSize();
    Tracker rate = Tracker.cosine()
        .setBaseValue(options.learningRate())
        .optFinalValue(options.learningRate() * 0.02f)
        .setMaxUpdates(Math.max(1, stepsPerEpoch * options.epochs()))
        .build();
    String configuration = configurationOf(job);
    int done = epochsDone(dir, configuration);
    CheckpointedAdam optimizer = CheckpointedAdam.builder().optLearningRateTracker(rate).optWeightDecays(options.weightDecay())
        .optClipGrad(5f).optBeginNumUpdate(done * stepsPerEpoch).build();
    DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer);
    DistillationLoss loss = new DistillationLoss(job.guidance());
    List<EpochStats> history = new ArrayList<>();
    TrainedModel trained = new TrainedModel(role, model, network, history);
    Shape input = new Shape(options.batchSize(), spec.channels(), clip.frames(), clip.size(), clip.size());
    int start = 0;
    if (done > 0) {
      // The checkpoint's weights go in before the trainer exists: a trainer keeps the parameter
      // arrays it finds, so weights loaded after it would be shown to it never.
      network.initialize(model.getNDManager(), DataType.FLOAT32, input);
      start = resume(dir, job.name(), done, network, model, optimizer, history);
    }
    try (Trainer trainer = model.newTrainer(config)) {
      trainer.initialize(input);
      for (int epoch = start + 1; epoch <= options.epochs(); epoch++) {
        EpochStats stats = epoch(job, epoch, trainer, loss);
        stats = new EpochStats(stats.epoch(), stats.trainLoss(), stats.distillLoss(), stats.trainAccuracy(),
            validationAccuracy(trained, role), stats.seconds(), stats.clipsPerSecond());
        history.add(stats);
        log.info(String.format(Locale.ROOT,
            "%s epoch %d/%d: loss %.3f%s, train accuracy %.1f%%, validation accuracy %.1f%%, %.1f clips/s",
            job.name(), epoch, options.epochs(), stats.trainLoss(),
            Double.isNaN(stats.distillLoss()) ? "" : String.format(Locale.ROOT, " (distillation %.4f)", stats.distillLoss()),
            100 * stats.trainAccuracy(), 100 * stats.validationAccuracy(), stats.clipsPerSecond()));
        checkpoint(dir, job.name(), spec, configuration, trained, optimizer, history);
        if (bestEpoch(history) == epoch) {
          trained.saveParameters(dir.resolve(BEST));
        }
        if (epoch < options.epochs() && stop.getAsBoolean()) {
          log.info("{}: stopping after epoch {} as asked; a later run resumes from {}", job.name(), epoch, dir);
          break;
        }
      }
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return trained;
  }

  private EpochStats epoch(TrainingJob job, int epoch, Trainer trainer, DistillationLoss loss) {
    Role role = job.role();
    NetworkSpec spec = job.spec();
    boolean guided = job.guidance() != Guidance.NONE;
    boolean rgb = !role.readsFlow();
    boolean flow = role.readsFlow() || job.guidance().needsFlow();
    Random random = new Random(options.seed() * 1_000_003L + epoch * 31L);
    ClipSpec clip = sampler.spec();
    long start = System.nanoTime();
    double lossSum = 0;
    double distillSum = 0;
    long correct = 0;
    long seen = 0;
    String task = String.format(Locale.ROOT, "%-8s %2d/%d", job.name(), epoch, options.epochs());
    try (BatchLoader batches = new BatchLoader(data.train(), sampler, rgb, flow, options.batchSize(), random, data.dataset()::flippedLabel);
        ProgressBar bar = Progress.bar(task, data.train().size())) {
      while (batches.hasNext()) {
        Batch batch = batches.next();
        try (NDManager manager = trainer.getManager().newSubManager()) {
          float[] input = role.readsFlow() ? batch.flow() : batch.rgb();
          NDArray x = manager.create(FloatBuffer.wrap(input), new Shape(batch.size(), spec.channels(), clip.frames(), clip.size(), clip.size()));
          NDArray labels = manager.create(batch.labels());
          try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList outputs = trainer.forward(new NDList(x));
            DistillationLoss.Parts parts = loss.evaluate(outputs, labels, batch);
            collector.backward(parts.total());
            lossSum += parts.crossEntropy().getFloat() * batch.size();
            if (parts.distillation() != null) {
              distillSum += parts.distillation().getFloat() * batch.size();
            }
            int[] predicted = outputs.get(0).argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
            for (int i = 0; i < batch.size(); i++) {
              correct += predicted[i] == batch.labels()[i] ? 1 : 0;
            }
          }
          trainer.step();
        }
        seen += batch.size();
        bar.stepBy(batch.size());
        bar.setExtraMessage(String.format(Locale.ROOT, " loss %.3f acc %.0f%%", lossSum / seen, 100.0 * correct / seen));
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new EpochStats(epoch, lossSum / seen, guided ? distillSum / seen : Double.NaN,
        (double) correct / seen, Double.NaN, seconds, seen / seconds);
  }

  /** Accuracy on the validation split, centred clips. */
  private double validationAccuracy(TrainedModel model, Role role) {
    List<Item> items = data.validation();
    if (items.isEmpty()) {
      return Double.NaN;
    }
    ClipSpec clip = sampler.spec();
    int channels = role.channels();
    int per = channels * clip.frames() * clip.size() * clip.size();
    int batchSize = options.batchSize();
    long correct = 0;
    for (int from = 0; from < items.size(); from += batchSize) {
      int n = Math.min(batchSize, items.size() - from);
      float[] input = new float[n * per];
      for (int i = 0; i < n; i++) {
        Item item = items.get(from + i);
        ClipWindow window = sampler.centreWindow(item.video());
        if (role.readsFlow()) {
          sampler.flow(item.flow(), window, item.video().frames(), input, i * per);
        } else {
          sampler.rgb(item.video(), window, input, i * per);
        }
      }
      TrainedModel.Outputs out = model.predict(input, n);
      for (int i = 0; i < n; i++) {
        correct += argMax(out.logits(), i * out.classes(), out.classes()) == items.get(from + i).sample().label() ? 1 : 0;
      }
    }
    return (double) correct / items.size();
  }

  static int argMax(float[] values, int offset, int length) {
    int best = 0;
    for (int i = 1; i < length; i++) {
      if (values[offset + i] > values[offset + best]) {
        best = i;
      }
    }
    return best;
  }

  /** The 1-based epoch with the highest validation accuracy (the first of equals); 0 for none. */
  public static int bestEpoch(List<EpochStats> history) {
    int best = 0;
    double accuracy = Double.NEGATIVE_INFINITY;
    for (EpochStats stats : history) {
      if (stats.validationAccuracy() > accuracy) {
        accuracy = stats.validationAccuracy();
        best = stats.epoch();
      }
    }
    return best;
  }

  private record State(String role, String spec, String options, int epochs) {}

  private void checkpoint(Path dir, String name, NetworkSpec spec, String configuration, TrainedModel trained,
      CheckpointedAdam optimizer, List<EpochStats> history) {
    try {
      Files.createDirectories(dir);
      trained.saveParameters(dir.resolve("last.params"));
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve("optimizer.bin")))) {
        optimizer.save(out, trained.network().getParameters());
      }
      JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("history.json").toFile(), history);
      JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("state.json").toFile(),
          new State(name, spec.toString(), configuration, history.size()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint to " + dir, e);
    }
  }

  /** The epochs a checkpoint of this configuration in {@code dir} has done; 0 for none (or another configuration). */
  private int epochsDone(Path dir, String configuration) {
    Path state = dir.resolve("state.json");
    if (!Files.isRegularFile(state)) {
      return 0;
    }
    try {
      State saved = JSON.readValue(state.toFile(), State.class);
      if (!saved.options().equals(configuration)) {
        log.info("{}: checkpoint in {} is from another configuration; starting afresh", saved.role(), dir);
        return 0;
      }
      return Math.min(saved.epochs(), options.epochs());
    } catch (IOException e) {
      log.warn("cannot read the checkpoint state {} ({}); starting afresh", state, e.getMessage());
      return 0;
    }
  }

  /** Loads weights, history and optimizer moments of the checkpoint; returns the epochs already done. */
  private int resume(Path dir, String name, int done, AttentionNet network, Model model, CheckpointedAdam optimizer,
      List<EpochStats> history) {
    try {
      try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve("last.params")))) {
        network.loadParameters(model.getNDManager(), in);
      }
      history.addAll(JSON.readValue(dir.resolve("history.json").toFile(), new TypeReference<List<EpochStats>>() {}));
      Path moments = dir.resolve("optimizer.bin");
      if (Files.isRegularFile(moments)) {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(moments))) {
          optimizer.load(in, network.getParameters(), model.getNDManager());
        }
        log.info("{}: resuming after epoch {} from {} (weights, Adam's moments, learning-rate schedule)", name, done, dir);
      } else {
        log.info("{}: resuming after epoch {} from {}; the checkpoint has no optimizer state, so Adam's moments restart", name,
            done, dir);
      }
      return Math.min(done, history.size());
    } catch (IOException | ai.djl.MalformedModelException e) {
      throw new IllegalStateException(name + ": the checkpoint in " + dir + " cannot be read (" + e.getMessage()
          + "); delete the folder to train afresh", e);
    }
  }

  /** What must match for a checkpoint to be resumed: network, clip spec, data, options (not epochs) and guidance. */
  private String configurationOf(TrainingJob job) {
    NetworkSpec spec = job.spec();
    ClipSpec clip = sampler.spec();
    return spec + " clip " + clip.frames() + "/" + clip.stride() + "/" + clip.size()
        + " data " + data.dataset().root() + " " + data.train().size()
        + " options " + options.batchSize() + "/" + options.learningRate() + "/" + options.weightDecay()
        // the distillation weight and distance only matter to a network that is guided: a teacher
        // trained for one lambda resumes for a student of another
        + (job.guidance() == Guidance.NONE ? "" : "/" + options.lambda() + "/" + options.distance()) + "/" + options.seed()
        + (job.pooling() == AttentionNet.Pooling.ATTENTION ? "" : " pooling " + job.pooling())
        + (job.guidance().key().isEmpty() ? "" : " guidance " + job.guidance().key());
  }
}
