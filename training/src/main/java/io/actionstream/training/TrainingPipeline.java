package io.actionstream.training;

import io.actionstream.model.ModelSpec;
import io.actionstream.schemas.v1.FrameEncoding;
import io.actionstream.schemas.v1.ModelRelease;
import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.CorruptVideoException;
import io.actionstream.training.dataset.DatasetException;
import io.actionstream.training.dataset.DatasetReader;
import io.actionstream.training.dataset.DecodedVideo;
import io.actionstream.training.dataset.FrameCache;
import io.actionstream.training.dataset.PreparedDataset.Item;
import io.actionstream.training.dataset.PreparedDataset;
import io.actionstream.training.dataset.VideoDataset;
import io.actionstream.training.distill.EpochStats;
import io.actionstream.training.distill.ModelTrainer;
import io.actionstream.training.distill.Role;
import io.actionstream.training.distill.TrainedModel;
import io.actionstream.training.evaluation.ChanceLocalization;
import io.actionstream.training.evaluation.Classification;
import io.actionstream.training.evaluation.ClipPredictor;
import io.actionstream.training.evaluation.ClipResult;
import io.actionstream.training.evaluation.Localization;
import io.actionstream.training.evaluation.ModelEvaluation;
import io.actionstream.training.evaluation.ReversalConsistency;
import io.actionstream.training.export.ExportException;
import io.actionstream.training.export.Int8Export;
import io.actionstream.training.export.OnnxExporter;
import io.actionstream.training.export.ParityCheck;
import io.actionstream.training.flow.FlowCache;
import io.actionstream.training.network.NetworkCost;
import io.actionstream.training.network.NetworkSpec;
import io.actionstream.training.publish.FileSystemModelStore;
import io.actionstream.training.publish.GateDecision;
import io.actionstream.training.publish.ModelStore;
import io.actionstream.training.publish.QualityGate;
import io.actionstream.training.publish.ReleasePublisher;
import io.actionstream.training.publish.StoredArtifact;
import io.actionstream.training.report.AttentionOverlay;
import io.actionstream.training.report.LearningCurves;
import io.actionstream.training.report.ReportWriter;
import io.actionstream.training.report.TrainingReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run from data to release: prepare the data (decode, optical flow), train the flow
 * teacher, the RGB baseline and the distilled RGB student with the same budget, evaluate all
 * three on the test split, export the student to ONNX and check parity (and, if asked, quantize it
 * to int8 and check that against fp32), pass it through the
 * quality gate, publish it, and write the report.
 */
public final class TrainingPipeline {

  private static final Logger log = LoggerFactory.getLogger(TrainingPipeline.class);
  private static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final int EVALUATION_BATCH = 8;

  private TrainingPipeline() {}

  public static TrainingResult run(TrainingPlan plan) {
    Instant started = Instant.now();
    String version = VERSION.format(started);
    OfflineEngine.configure(plan.work().resolve("djl"));
    VideoDataset dataset = DatasetReader.read(plan.data(), plan.split());
    int classes = dataset.classes().size();
    NetworkSpec teacherSpec = new NetworkSpec(2, plan.frames(), plan.size(), plan.size(), plan.widths(), classes);
    NetworkSpec rgbSpec = new NetworkSpec(3, plan.frames(), plan.size(), plan.size(), plan.widths(), classes);
    NetworkCost cost = NetworkCost.of(rgbSpec);
    log.info("Student network: {}", cost);
    // The model's contract is fixed before any pixel is read: training prepares its clips for
    // exactly the input spec the exported file will carry.
    ModelSpec modelSpec = modelSpec(plan.modelName(), version, dataset, rgbSpec, plan.stride(), plan.cacheSize(), plan.frameEncoding());
    FrameCache frames = new FrameCache(plan.work().resolve("cache/frames"), modelSpec, 512);
    FlowCache flows = new FlowCache(plan.work().resolve("cache/flow"), plan.flow(), plan.flowBound());
    PreparedDataset data = PreparedDataset.prepare(dataset, frames, flows, plan.validationShare(), plan.options().seed(), plan.threads());
    ClipSampler sampler = new ClipSampler(new ClipSpec(modelSpec, plan.stride()));

    ModelTrainer trainer = new ModelTrainer(data, sampler, plan.options());
    Path checkpoints = plan.work().resolve("checkpoints");
    Map<Role, ModelEvaluation> evaluations = new EnumMap<>(Role.class);
    Map<Role, List<EpochStats>> histories = new EnumMap<>(Role.class);
    IntUnaryOperator partner = ReversalConsistency.partnersOf(data.classes());
    ModelTrainer baselineTrainer = new ModelTrainer(data, sampler, plan.baselineOptions());
    try (TrainedModel teacher = trainer.train(Role.TEACHER, teacherSpec, null, checkpoints);
        TrainedModel baseline = baselineTrainer.train(Role.BASELINE, rgbSpec, null, checkpoints);
        TrainedModel student = trainer.train(Role.STUDENT, rgbSpec, teacher, checkpoints)) {
      for (TrainedModel model : List.of(teacher, baseline, student)) {
        evaluations.put(model.role(), evaluate(model, data, sampler, partner));
        histories.put(model.role(), List.copyOf(model.history()));
      }

      String description = "actionstream student distilled from a " + plan.flow().label() + " flow teacher; trained on " + plan.data();
      byte[] onnx = OnnxExporter.export(student.network(), modelSpec, description);
      ParityCheck.Result parity = ParityCheck.check(student, onnx, sampler.centreClips(data.test(), 8), 4, plan.options().seed());
      log.info("ONNX export: {} bytes, parity max |difference| {}", onnx.length, String.format(Locale.ROOT, "%.2g", parity.max()));
      Files.createDirectories(plan.output());
      Path onnxFile = plan.output().resolve(plan.modelName() + ".onnx");
      Int8Export.Result int8 = null;
      String int8Refusal = null;
      byte[] served = onnx;
      if (plan.int8CalibrationClips() > 0) {
        try {
          int8 = Int8Export.run(onnx, data, sampler, plan.int8CalibrationClips());
          served = int8.onnx();
          Files.write(plan.output().resolve(plan.modelName() + "-fp32.onnx"), onnx);
        } catch (ExportException e) {
          // the fp32 export passed its own checks: serve it rather than nothing
          int8Refusal = e.getMessage();
          log.warn("int8 refused, serving the fp32 model: {}", int8Refusal);
        }
      }
      Files.write(onnxFile, served);

      GateDecision gate = null;
      ModelRelease release = null;
      String publication;
      if (plan.modelStore() == null) {
        publication = "No model store given: the model was exported to `" + onnxFile.getFileName() + "` and not published.";
      } else {
        ModelStore store = new FileSystemModelStore(plan.modelStore());
        gate = new QualityGate(store, data.validation(), plan.stride(), plan.gateMargin()).decide(served, store.current(plan.modelName()));
        if (!gate.passed()) {
          publication = "Not published: the quality gate refused it.";
        } else {
          StoredArtifact artifact = store.put(plan.modelName(), version, served);
          release = release(plan, artifact, modelSpec, description, evaluations.get(Role.STUDENT), gate);
          if (!plan.kafka().isEmpty()) {
            try (ReleasePublisher publisher = ReleasePublisher.connect(plan.kafka(), plan.releaseTopic())) {
              publisher.publish(release);
            }
          }
          store.promote(release);
          publication = "Published " + plan.modelName() + " " + version + " to the model store at `" + plan.modelStore() + "` ("
              + artifact.uri() + ")" + (plan.kafka().isEmpty() ? "; no Kafka given, so no release was announced."
                  : " and announced on topic `" + plan.releaseTopic() + "` at " + plan.kafka().get("bootstrap.servers") + ".");
        }
      }
      log.info(publication);

      TrainingReport report = new TrainingReport(plan.modelName(), version, started, Duration.between(started, Instant.now()),
          plan.commandLine(), data, sampler.spec(), plan.cacheSize(), rgbSpec, cost, plan.flow(), plan.flowBound(), plan.options(), plan.baselineOptions(),
          histories, evaluations, parity, served.length, FileSystemModelStore.sha256(served), int8, int8Refusal, gate, publication);
      LearningCurves.write(histories, plan.output().resolve("learning-curves.png"));
      writeOverlay(data, sampler, evaluations, rgbSpec, plan.output().resolve("attention.png"));
      Path reportFile = ReportWriter.write(report, plan.output());
      log.info("Report written to {}", reportFile);
      return new TrainingResult(reportFile, onnxFile, evaluations, histories, parity, gate, release);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the training output to " + plan.output(), e);
    }
  }

  /**
   * The contract of an RGB network of {@code rgbSpec} trained on {@code dataset}: clips of its
   * frames at the videos' rate over {@code stride}, frames scaled to a short side of {@code
   * cacheSize} from frames encoded as {@code frameEncoding} (the ingest must send the same to
   * serve it), the default normalization.
   */
  public static ModelSpec modelSpec(String name, String version, VideoDataset dataset, NetworkSpec rgbSpec, int stride, int cacheSize,
      FrameEncoding frameEncoding) {
    return new ModelSpec(name, version, dataset.classes(),
        ModelSpec.input(rgbSpec.frames(), rgbSpec.height(), rgbSpec.width(), frameRate(dataset) / stride, ClipSpec.MEAN, ClipSpec.STD,
            cacheSize, frameEncoding),
        ModelSpec.attention(rgbSpec.mapFrames(), rgbSpec.mapHeight(), rgbSpec.mapWidth()), NetworkCost.of(rgbSpec).gflops());
  }

  /** The frame rate of the data set's videos (of its first training video). */
  private static double frameRate(VideoDataset dataset) {
    try {
      return FrameCache.frameRate(dataset.train().get(0).video());
    } catch (CorruptVideoException e) {
      throw new DatasetException("cannot read the frame rate of the first training video: " + e.getMessage());
    }
  }

  private static ModelEvaluation evaluate(TrainedModel model, PreparedDataset data, ClipSampler sampler, IntUnaryOperator partner) {
    long start = System.nanoTime();
    List<ClipResult> results = ClipPredictor.predict(model, data.test(), sampler, EVALUATION_BATCH, true);
    double seconds = (System.nanoTime() - start) / 1e9;
    NetworkSpec spec = model.spec();
    ModelEvaluation evaluation = new ModelEvaluation(
        model.role(),
        Classification.of(results, spec.classes()),
        Localization.of(results, sampler.model()),
        ChanceLocalization.of(results, sampler.model(), 17),
        ReversalConsistency.of(results, partner),
        // every clip ran twice: forwards and backwards
        2.0 * results.size() / seconds,
        results);
    log.info(String.format(Locale.ROOT, "%s on the test split: top-1 %.1f%%, mean IoU %.3f, pointing %.1f%%",
        model.role().label(), 100 * evaluation.classification().top1(), evaluation.localization().meanIou(),
        100 * evaluation.localization().pointingGame()));
    return evaluation;
  }

  private static ModelRelease release(
      TrainingPlan plan, StoredArtifact artifact, ModelSpec spec, String description, ModelEvaluation student, GateDecision gate) {
    Instant now = Instant.now();
    return ModelRelease.newBuilder()
        .setModelName(plan.modelName())
        .setVersion(spec.version())
        .setArtifactUri(artifact.uri())
        .setSha256(artifact.sha256())
        .setArtifactSizeBytes(artifact.size())
        .addAllLabels(spec.labels())
        .setInputSpec(spec.input())
        .setAttentionSpec(spec.attention())
        .putMetrics("test_top1", student.classification().top1())
        .putMetrics("test_mean_class_accuracy", student.classification().meanClassAccuracy())
        .putMetrics("test_attention_mean_iou", nanToZero(student.localization().meanIou()))
        .putMetrics("test_pointing_game", nanToZero(student.localization().pointingGame()))
        .putMetrics("validation_top1", gate.candidateAccuracy())
        .setCreatedTimeUs(now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000)
        .setDescription(description + "; " + plan.commandLine())
        .build();
  }

  private static double nanToZero(double value) {
    return Double.isNaN(value) ? 0 : value;
  }

  /** Attention pictures for up to four test clips of different classes. */
  private static void writeOverlay(PreparedDataset data, ClipSampler sampler, Map<Role, ModelEvaluation> evaluations,
      NetworkSpec spec, Path png) throws IOException {
    List<Integer> indices = new ArrayList<>();
    List<DecodedVideo> videos = new ArrayList<>();
    java.util.Set<Integer> classesShown = new java.util.HashSet<>();
    for (int i = 0; i < data.test().size() && indices.size() < 4; i++) {
      Item item = data.test().get(i);
      if (item.video().boxes() != null && classesShown.add(item.sample().label())) {
        indices.add(i);
        videos.add(item.video());
      }
    }
    if (indices.isEmpty()) {
      return;
    }
    List<AttentionOverlay.Row> rows = new ArrayList<>();
    for (Role role : Role.values()) {
      rows.add(new AttentionOverlay.Row(role.label(), evaluations.get(role).results(), data.classes()));
    }
    AttentionOverlay.write(videos, indices, rows, sampler, spec.mapFrames(), spec.mapHeight(), spec.mapWidth(), png);
  }
}
