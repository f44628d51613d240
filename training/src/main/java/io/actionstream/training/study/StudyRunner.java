package io.actionstream.training.study;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.frame.FrameEncodings;
import io.actionstream.training.OfflineEngine;
import io.actionstream.training.TrainingPipeline;
import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.DatasetReader;
import io.actionstream.training.dataset.FrameCache;
import io.actionstream.training.dataset.PreparedDataset;
import io.actionstream.training.dataset.PreparedDataset.Item;
import io.actionstream.training.dataset.VideoDataset;
import io.actionstream.training.distill.AttentionGuidance;
import io.actionstream.training.distill.FlowMagnitudeGuidance;
import io.actionstream.training.distill.Guidance;
import io.actionstream.training.distill.LogitGuidance;
import io.actionstream.training.distill.ModelTrainer;
import io.actionstream.training.distill.Role;
import io.actionstream.training.distill.TrainOptions;
import io.actionstream.training.distill.TrainedModel;
import io.actionstream.training.distill.TrainingJob;
import io.actionstream.training.evaluation.ChanceLocalization;
import io.actionstream.training.evaluation.Classification;
import io.actionstream.training.evaluation.ClipPredictor;
import io.actionstream.training.evaluation.ClipResult;
import io.actionstream.training.evaluation.Localization;
import io.actionstream.training.evaluation.ReversalConsistency;
import io.actionstream.training.flow.FlowCache;
import io.actionstream.training.network.AttentionNet;
import io.actionstream.training.network.NetworkSpec;
import io.actionstream.training.study.StudyPlan.Arm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link StudyPlan}: trains every (arm, setting, seed) not yet in its cache, seed after
 * seed so that a stopped study has whole seeds; selects each arm's setting on validation; reads
 * the test split once for each selected setting and seed; and hands back a {@link StudyOutcome}
 * for the report. Every finished run is a {@code record.json} (and weights) under {@code
 * work/runs/ARM/SETTING/seed-N/}; an unfinished one resumes from its last epoch's checkpoint,
 * optimizer and learning-rate schedule included.
 */
public final class StudyRunner {

  private static final Logger log = LoggerFactory.getLogger(StudyRunner.class);
  static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  private static final int EVALUATION_BATCH = 8;

  private final StudyPlan plan;
  private final int threads;
  private final BooleanSupplier stop;

  /**
   * @param threads decoding and flow threads
   * @param stop asked after every epoch whether to stop there (Ctrl-C, a time budget)
   */
  public StudyRunner(StudyPlan plan, int threads, BooleanSupplier stop) {
    this.plan = plan;
    this.threads = threads;
    this.stop = stop;
  }

  /** Trains what is missing (unless {@code train} is false), then selects, tests and returns the outcome. */
  public StudyOutcome run(boolean train) {
    Instant started = Instant.now();
    OfflineEngine.configure(plan.work().resolve("djl"));
    Map<String, StudyData> data = new LinkedHashMap<>();
    for (Arm arm : plan.arms()) {
      data.computeIfAbsent(arm.dataset(), this::prepare);
    }
    List<RunRecord> runs = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (long seed : plan.seeds()) {
      for (Arm arm : plan.arms()) {
        for (Setting setting : arm.settings(plan.budget())) {
          Optional<RunRecord> record = cached(arm, setting, seed);
          if (record.isEmpty() && train && !stop.getAsBoolean()) {
            record = train(arm, setting, seed, data.get(arm.dataset()));
          }
          record.ifPresentOrElse(runs::add, () -> missing.add(arm.name() + " " + setting.key() + " seed " + seed));
        }
      }
    }
    Map<String, Selection> selections = new LinkedHashMap<>();
    List<TestRecord> tests = new ArrayList<>();
    for (Arm arm : plan.arms()) {
      Optional<Selection> selection = SettingSelector.select(arm.name(), arm.settings(plan.budget()), runs);
      if (selection.isEmpty()) {
        continue;
      }
      selections.put(arm.name(), selection.get());
      log.info("{}: selected {} on validation (mean top-1 {} over seeds {})", arm.name(), selection.get().setting().describe(arm.kind()),
          String.format(java.util.Locale.ROOT, "%.1f%%", 100 * selection.get().meanValidationTop1()), selection.get().seeds());
      for (long seed : plan.seeds()) {
        Setting chosen = selection.get().setting();
        boolean trained = runs.stream().anyMatch(r -> r.arm().equals(arm.name()) && r.setting().equals(chosen) && r.seed() == seed);
        if (trained) {
          tests.add(test(arm, selection.get(), seed, data.get(arm.dataset()), runs));
        }
      }
    }
    return new StudyOutcome(plan, data, runs, selections, tests, missing, Duration.between(started, Instant.now()));
  }

  /** The folder of one (arm, setting, seed): checkpoints, best weights, the run and test records. */
  Path runDirectory(Arm arm, Setting setting, long seed) {
    return plan.work().resolve("runs").resolve(arm.name()).resolve(setting.key()).resolve("seed-" + seed);
  }

  private StudyData prepare(String name) {
    Path root = plan.datasets().get(name);
    StudyPlan.Input input = plan.input();
    VideoDataset dataset = DatasetReader.read(root, 1);
    int classes = dataset.classes().size();
    NetworkSpec rgb = new NetworkSpec(3, input.frames(), input.size(), input.size(), input.widths(), classes);
    NetworkSpec flow = new NetworkSpec(2, input.frames(), input.size(), input.size(), input.widths(), classes);
    // the frames the study's reports were made on; the ingest's later, smaller default would change every figure
    ModelSpec model = TrainingPipeline.modelSpec("study-" + name, "study", dataset, rgb, input.stride(), input.cacheSize(),
        FrameEncodings.LETTERBOX_224);
    Path caches = plan.work().resolve("cache").resolve(name);
    FrameCache frames = new FrameCache(caches.resolve("frames"), model, 512);
    FlowCache flows = new FlowCache(caches.resolve("flow"), input.flow(), input.flowBound());
    PreparedDataset prepared = PreparedDataset.prepare(dataset, frames, flows, plan.budget().validationShare(), plan.budget().splitSeed(), threads);
    // From here on the test clips live only in the TestSplit; training and selection get the rest.
    return new StudyData(name, root, prepared.withoutTest(), new TestSplit(prepared.test()), model,
        new ClipSampler(new ClipSpec(model, input.stride())), rgb, flow, ReversalConsistency.partnersOf(dataset.classes()));
  }

  private Optional<RunRecord> cached(Arm arm, Setting setting, long seed) {
    Path file = runDirectory(arm, setting, seed).resolve("record.json");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), RunRecord.class));
    } catch (IOException e) {
      log.warn("{} cannot be read ({}); training that run again", file, e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<RunRecord> train(Arm arm, Setting setting, long seed, StudyData data) {
    Path dir = runDirectory(arm, setting, seed);
    if (arm.kind().needsTeacher() && !Files.isRegularFile(teacherWeights(arm, seed))) {
      log.warn("{}: its teacher {} has no finished run for seed {}; skipped", arm.name(), arm.teacher(), seed);
      return Optional.empty();
    }
    log.info("Study: training {} ({}), seed {}", arm.name(), setting.describe(arm.kind()), seed);
    TrainOptions options = new TrainOptions(setting.epochs(), plan.budget().batchSize(), setting.learningRate(), plan.budget().weightDecay(),
        setting.weight(), arm.distance(), seed);
    ModelTrainer trainer = new ModelTrainer(data.development(), data.sampler(), options);
    TrainedModel teacher = arm.kind().needsTeacher() ? loadTeacher(arm, seed, data) : null;
    try (TrainedModel trained = trainer.train(new TrainingJob(arm.name(), role(arm.kind()), spec(arm.kind(), data), pooling(arm.kind()),
        guidance(arm, setting, teacher, data), dir), stop)) {
      if (trained.history().size() < setting.epochs()) {
        return Optional.empty();
      }
      int best = ModelTrainer.bestEpoch(trained.history());
      double seconds = trained.history().stream().mapToDouble(s -> s.seconds()).sum();
      double clips = (double) data.development().train().size() * trained.history().size();
      RunRecord record = new RunRecord(arm.name(), setting, seed, best, trained.history().get(best - 1).validationAccuracy(),
          List.copyOf(trained.history()), clips / seconds);
      write(dir.resolve("record.json"), record);
      return Optional.of(record);
    } finally {
      if (teacher != null) {
        teacher.close();
      }
    }
  }

  private TestRecord test(Arm arm, Selection selection, long seed, StudyData data, List<RunRecord> runs) {
    Path dir = runDirectory(arm, selection.setting(), seed);
    Path file = dir.resolve("test.json");
    if (Files.isRegularFile(file)) {
      try {
        return JSON.readValue(file.toFile(), TestRecord.class);
      } catch (IOException e) {
        log.warn("{} cannot be read ({}); evaluating again", file, e.getMessage());
      }
    }
    RunRecord run = runs.stream().filter(r -> r.arm().equals(arm.name()) && r.setting().equals(selection.setting()) && r.seed() == seed)
        .findFirst().orElseThrow();
    AttentionNet.Pooling pooling = pooling(arm.kind());
    try (TrainedModel model = TrainedModel.load(role(arm.kind()), spec(arm.kind(), data), pooling, dir.resolve(ModelTrainer.BEST),
        run.history())) {
      List<Item> items = data.test().open(selection, seed);
      long start = System.nanoTime();
      ClipPredictor.Predictions predictions = ClipPredictor.predictBothMaps(model, items, data.sampler(), EVALUATION_BATCH, true);
      double seconds = (System.nanoTime() - start) / 1e9;
      List<ClipResult> results = predictions.motion();
      // the plain CNN returns the same uniform map as both
      Localization appearance = Localization.of(predictions.appearance(), data.model());
      Classification classification = Classification.of(results, data.classes());
      TestRecord record = new TestRecord(arm.name(), selection.setting(), seed,
          results.stream().mapToInt(ClipResult::label).toArray(), results.stream().mapToInt(ClipResult::predicted).toArray(),
          classification.top1(), classification.meanClassAccuracy(), Localization.of(results, data.model()), appearance,
          ChanceLocalization.of(results, data.model(), 17), ReversalConsistency.of(results, data.partners()), 2.0 * results.size() / seconds);
      log.info(String.format(java.util.Locale.ROOT, "%s seed %d on the test split: top-1 %.1f%%", arm.name(), seed, 100 * record.top1()));
      write(file, record);
      return record;
    }
  }

  private Path teacherWeights(Arm arm, long seed) {
    Arm teacher = plan.arm(arm.teacher());
    return runDirectory(teacher, teacher.settings(plan.budget()).get(0), seed).resolve(ModelTrainer.BEST);
  }

  private TrainedModel loadTeacher(Arm arm, long seed, StudyData data) {
    return TrainedModel.load(Role.TEACHER, data.flow(), AttentionNet.Pooling.ATTENTION, teacherWeights(arm, seed), List.of());
  }

  private static Role role(ArmKind kind) {
    return switch (kind) {
      case TEACHER -> Role.TEACHER;
      case BASELINE, PLAIN_CNN -> Role.BASELINE;
      default -> Role.STUDENT;
    };
  }

  private static NetworkSpec spec(ArmKind kind, StudyData data) {
    return kind == ArmKind.TEACHER ? data.flow() : data.rgb();
  }

  private static AttentionNet.Pooling pooling(ArmKind kind) {
    return kind == ArmKind.PLAIN_CNN ? AttentionNet.Pooling.AVERAGE : AttentionNet.Pooling.ATTENTION;
  }

  private static Guidance guidance(Arm arm, Setting setting, TrainedModel teacher, StudyData data) {
    return switch (arm.kind()) {
      case TEACHER, BASELINE, PLAIN_CNN -> Guidance.NONE;
      case ATTENTION_DISTILLATION -> new AttentionGuidance(teacher, arm.distance(), setting.weight(), false);
      case SHUFFLED_TEACHER -> new AttentionGuidance(teacher, arm.distance(), setting.weight(), true);
      case LOGIT_DISTILLATION -> new LogitGuidance(teacher, arm.temperature(), setting.weight());
      case FLOW_MAGNITUDE -> new FlowMagnitudeGuidance(data.rgb(), arm.distance(), setting.weight());
    };
  }

  private static void write(Path file, Object value) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), value);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
