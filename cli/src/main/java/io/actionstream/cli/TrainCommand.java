package io.actionstream.cli;

import io.actionstream.model.frame.FrameEncodings;
import io.actionstream.model.frame.ImageFormat;
import io.actionstream.model.frame.ResizeMode;
import io.actionstream.schemas.v1.FrameEncoding;
import io.actionstream.training.TrainingPipeline;
import io.actionstream.training.TrainingPlan;
import io.actionstream.training.TrainingResult;
import io.actionstream.training.TrainingSchedule;
import io.actionstream.training.distill.AttentionDistance;
import io.actionstream.training.distill.TrainOptions;
import io.actionstream.training.flow.FlowMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code actionstream train}: one training run, or one every {@code --every}. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train the flow teacher, the RGB baseline (with its own learning rate and epochs if given) and the RGB "
          + "student distilled from the teacher's motion attention; evaluate all three on the test "
          + "split; export the student to ONNX (with a parity check); publish it if it passes "
          + "the quality gate; write a report with plots.",
      "Data: a UCF101- or HMDB51-style folder, or a SynthActions set (see 'actionstream synth')."
    },
    footer = {
      "",
      "Example (the shipped model, see the README):",
      "  actionstream synth -o data/synthactions",
      "  actionstream train --data data/synthactions --output models/student \\",
      "      --work work/shipped --model-store work/model-store \\",
      "      --distance kl --lambda 3 --baseline-learning-rate 0.003"
    })
final class TrainCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);

  @Spec CommandSpec spec;

  @Option(names = {"-d", "--data"}, required = true, paramLabel = "DIR", description = "Labelled video folder.")
  Path data;

  @Option(names = "--split", defaultValue = "1", description = "Split list to use, 1-3 (default: ${DEFAULT-VALUE}).")
  int split;

  @Option(names = {"-o", "--output"}, defaultValue = "training-output", paramLabel = "DIR",
      description = "Report, plots and the ONNX file (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(names = "--work", defaultValue = "work", paramLabel = "DIR",
      description = "Caches (decoded frames, flow) and checkpoints; a run resumes from its checkpoints (default: ${DEFAULT-VALUE}).")
  Path work;

  @Option(names = "--model-name", defaultValue = "student", description = "Name to publish under (default: ${DEFAULT-VALUE}).")
  String modelName;

  @Option(names = "--frames", defaultValue = "16", description = "Frames per clip (default: ${DEFAULT-VALUE}).")
  int frames;

  @Option(names = "--stride", defaultValue = "1", description = "Decoded frames between clip frames; 3 for 25 fps video at about 8 fps (default: ${DEFAULT-VALUE}).")
  int stride;

  @Option(names = "--size", defaultValue = "112", description = "Crop size fed to the networks, a multiple of 8 (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--cache-size", description = "The model's resize: the shorter side of each frame is scaled to this before the crop; random crops come out of it in training, the centre in serving (default: size x 8/7).")
  Integer cacheSize;

  @Option(names = "--frame-size", paramLabel = "WxH",
      description = "The frames the videos are fitted to and encoded at first, as the ingest does to a camera; the model "
          + "records it, and cameras should be ingested at the same size to be served as trained (default: the ingest's "
          + "default, 128x128).")
  String frameSize;

  @Option(names = "--frame-resize", paramLabel = "MODE",
      description = "How the videos are fitted to --frame-size, as the ingest's resize: crop, fit or stretch (default: the "
          + "ingest's default, crop).")
  String frameResize;

  @Option(names = "--frame-encoding", paramLabel = "FORMAT",
      description = "How the frames are encoded before preprocessing, as the ingest's --encoding: jpeg (at quality 85), raw "
          + "(BGR24) or i420 (planar YUV 4:2:0); cameras should be ingested the same way (default: the ingest's default, jpeg).")
  String frameFormat;

  @Option(names = "--widths", split = ",", defaultValue = "16,32,64,128", description = "Channels of the four stages (default: ${DEFAULT-VALUE}).")
  int[] widths;

  @Option(names = "--flow", defaultValue = "dis", description = "Optical flow for the teacher: dis (fast) or tv-l1 (slow, the literature's choice) (default: ${DEFAULT-VALUE}).")
  String flow;

  @Option(names = "--flow-bound", defaultValue = "8", description = "Flow is clipped to +- this many pixels (default: ${DEFAULT-VALUE}).")
  float flowBound;

  @Option(names = "--validation-share", defaultValue = "0.1", description = "Share of the training clips held out, as whole recording groups (gXX), for validation and the gate (default: ${DEFAULT-VALUE}).")
  double validationShare;

  @Option(names = "--epochs", defaultValue = "20", description = "Epochs for each network (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "8", description = "Clips per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "0.001", description = "Initial Adam learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--baseline-learning-rate", paramLabel = "LR",
      description = "The RGB baseline's own initial learning rate, e.g. the study's tuned one (default: --learning-rate).")
  Float baselineLearningRate;

  @Option(names = "--baseline-epochs", paramLabel = "N",
      description = "The RGB baseline's own epochs, up to the student's whole budget of twice --epochs (default: --epochs).")
  Integer baselineEpochs;

  @Option(names = "--weight-decay", defaultValue = "0.0001", description = "Weight decay (default: ${DEFAULT-VALUE}).")
  float weightDecay;

  @Option(names = "--lambda", defaultValue = "1.0", description = "Weight of the attention distillation term (default: ${DEFAULT-VALUE}).")
  float lambda;

  @Option(names = "--distance", defaultValue = "kl", description = "Attention distance: kl or l2 (default: ${DEFAULT-VALUE}).")
  String distance;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--gate-margin", defaultValue = "1.0", paramLabel = "POINTS",
      description = "Points of validation top-1 by which a candidate must beat the release in service to replace it; a tie keeps the release (default: ${DEFAULT-VALUE}).")
  double gateMargin;

  @Option(names = "--threads", description = "Threads for decoding and optical flow (default: the number of cores).")
  Integer threads;

  @Option(names = "--int8",
      description = "Also quantize the student to int8 (see 'actionstream quantize'); the int8 model is then the one written as "
          + "NAME.onnx, gated and published (the fp32 one goes to NAME-fp32.onnx), unless it loses more than a point of validation top-1.")
  boolean int8;

  @Option(names = "--calibration-clips", defaultValue = "64", description = "With --int8: training clips that set the activation scales (default: ${DEFAULT-VALUE}).")
  int calibrationClips;

  @Option(names = "--model-store", paramLabel = "DIR", description = "Publish to this model store folder, through the quality gate (default: export only).")
  Path modelStore;

  @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOSTS", description = "Announce releases on Kafka here (needs --model-store).")
  String bootstrapServers;

  @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE", description = "Kafka client property; repeatable.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(names = "--release-topic", defaultValue = "model-releases", description = "Releases topic (default: ${DEFAULT-VALUE}).")
  String releaseTopic;

  @Option(names = "--every", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Train again this long after each start (e.g. 6h), picking up new data in the folder; runs until Ctrl-C.")
  Duration every;

  @Override
  public Integer call() throws Exception {
    TrainingPlan plan = plan();
    if (every == null) {
      report(TrainingPipeline.run(plan));
      return 0;
    }
    try (StopSignal stop = new StopSignal()) {
      new TrainingSchedule(every, java.time.Clock.systemUTC()).run(
          () -> report(TrainingPipeline.run(plan)),
          stop::await,
          failure -> log.error("Training run failed: {}", failure.getMessage(), failure));
    }
    return 0;
  }

  private void report(TrainingResult result) {
    var out = spec.commandLine().getOut();
    out.println("Report: " + result.report().toAbsolutePath());
    out.println("Model:  " + result.onnx().toAbsolutePath() + (result.published() ? " (published " + result.release().getVersion() + ")" : " (not published)"));
    out.flush();
  }

  private TrainingPlan plan() {
    if (bootstrapServers != null && modelStore == null) {
      throw new ParameterException(spec.commandLine(), "--bootstrap-servers announces releases from a model store: add --model-store DIR");
    }
    if (size % 8 != 0 || frames % 4 != 0) {
      throw new ParameterException(spec.commandLine(), "--size must be a multiple of 8 and --frames a multiple of 4, got " + size + " and " + frames);
    }
    if (widths.length != 4) {
      throw new ParameterException(spec.commandLine(), "--widths needs four numbers, e.g. 16,32,64,128");
    }
    if (int8 && calibrationClips < 1) {
      throw new ParameterException(spec.commandLine(), "--calibration-clips must be at least 1, got " + calibrationClips);
    }
    if (!(gateMargin >= 0 && gateMargin < 100)) {
      throw new ParameterException(spec.commandLine(), "--gate-margin must be at least 0 and below 100 points, got " + gateMargin);
    }
    int cache = cacheSize != null ? cacheSize : size * 8 / 7;
    if (cache < size) {
      throw new ParameterException(spec.commandLine(), "--cache-size must not be below --size");
    }
    FrameEncoding frameEncoding = frameEncoding();
    FlowMethod method;
    AttentionDistance attentionDistance;
    TrainOptions options;
    TrainOptions baselineOptions;
    try {
      method = FlowMethod.parse(flow);
      attentionDistance = AttentionDistance.parse(distance);
      options = new TrainOptions(epochs, batchSize, learningRate, weightDecay, lambda, attentionDistance, seed);
      baselineOptions = new TrainOptions(baselineEpochs != null ? baselineEpochs : epochs, batchSize,
          baselineLearningRate != null ? baselineLearningRate : learningRate, weightDecay, lambda, attentionDistance, seed);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Map<String, String> kafka = new LinkedHashMap<>(kafkaProperties);
    if (bootstrapServers != null) {
      kafka.put("bootstrap.servers", bootstrapServers);
    }
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    return new TrainingPlan(data, split, work, output, modelName, frames, stride, size, cache, frameEncoding, widths, method, flowBound,
        validationShare, options, baselineOptions, threads != null ? threads : Runtime.getRuntime().availableProcessors(),
        int8 ? calibrationClips : 0, gateMargin / 100, modelStore, kafka,
        releaseTopic, "bin/actionstream " + String.join(" ", args));
  }

  /**
   * {@code --frame-size}, {@code --frame-resize} and {@code --frame-encoding} over the ingest's default
   * encoding, at its JPEG quality.
   */
  private FrameEncoding frameEncoding() {
    FrameEncoding ingest = FrameEncodings.DEFAULT;
    FrameSize frame = new FrameSize(ingest.getWidth(), ingest.getHeight());
    if (frameSize != null) {
      frame = FrameSize.parse(frameSize).orElseThrow(() -> new ParameterException(spec.commandLine(),
          "--frame-size must be WIDTHxHEIGHT, e.g. 128x128, got '" + frameSize + "'"));
      if (frame.width() < 16 || frame.height() < 16 || frame.width() > 4096 || frame.height() > 4096) {
        throw new ParameterException(spec.commandLine(), "--frame-size sides must be 16 to 4096 pixels, got " + frameSize);
      }
    }
    return FrameEncodings.of(frame.width(), frame.height(), resizeMode(), imageFormat(), ingest.getQuality());
  }

  private ImageFormat imageFormat() {
    if (frameFormat == null) {
      return ImageFormat.of(FrameEncodings.DEFAULT.getEncoding());
    }
    try {
      return ImageFormat.parse(frameFormat);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--frame-encoding: " + e.getMessage());
    }
  }

  private ResizeMode resizeMode() {
    if (frameResize == null) {
      return ResizeMode.of(FrameEncodings.DEFAULT.getResizeMode());
    }
    try {
      return ResizeMode.parse(frameResize);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--frame-resize: " + e.getMessage());
    }
  }
}
