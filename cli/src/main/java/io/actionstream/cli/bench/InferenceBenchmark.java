package io.actionstream.cli.bench;

import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.inference.InferenceConfig;
import io.actionstream.inference.InferenceService;
import io.actionstream.ingest.IngestService;
import io.actionstream.ingest.config.IngestConfig;
import io.actionstream.ingest.config.IngestConfigReader;
import io.actionstream.model.Precision;
import io.actionstream.model.frame.CaptureClock;
import io.actionstream.model.frame.ImageFormat;
import io.actionstream.model.frame.ResizeMode;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.model.runtime.NetworkPriority;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.FrameEncoding;
import io.actionstream.schemas.v1.ImageEncoding;
import io.actionstream.schemas.v1.Timings;
import io.actionstream.training.synth.DemoVideo;
import io.actionstream.training.synth.SynthOptions;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code actionstream bench inference}: how fast the student runs bare in ONNX Runtime, how
 * much of that the whole inference path through Kafka keeps, the latency at half load, and how
 * many real-time cameras one machine sustains.
 */
@Command(
    name = "inference",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measure: (1) bare ONNX Runtime throughput (clips/s) at batch 1, 4 and 8 with GFLOP/s; (2) the inference "
          + "pipeline's throughput through the embedded broker (frames loaded first, clips/s from the first to the "
          + "last event), its ratio to (1) at the pipeline's batch size, and where its CPU went; (3) how many real-time "
          + "cameras (ingest in the same process) hold: nearly all events out, a lag that does not grow, a p99 within --held-p99 "
          + "(20%% fewer each time, then the gap to the "
          + "count that failed halved twice); (4) capture-to-event latency p50/p95/p99 with "
          + "half of (3), start times spread and all together. Ends with the speed targets, each beside the figure of "
          + "the same run it is compared with (the fp32 GEMM peak as ONNX Runtime reaches it, measured here), met or "
          + "missed.",
      "Takes about ten minutes."
    })
public final class InferenceBenchmark implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(InferenceBenchmark.class);
  private static final int CLIP_FRAMES = 16;
  private static final String FRAMES_TOPIC = "frames";
  private static final String EVENTS_TOPIC = "action-events";
  private static final double CAMERA_FPS = 8;
  /** A frame record's bytes beside its pixels: the Frame message's other fields, its key and Kafka's record and batch headers. */
  private static final long FRAME_RECORD_OVERHEAD = 512;
  /** Real-time cameras that target 3 asks of one machine. */
  private static final int TARGET_CAMERAS = 150;
  /** Halvings of the gap between the most cameras sustained and the fewest that were not. */
  private static final int REFINE_STEPS = 2;

  @Spec CommandSpec spec;

  @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "Student (default: models/student/student.onnx).")
  Path model;

  @Option(names = "--fp32-model", paramLabel = "FILE",
      description = "With an int8 --model: the fp32 model it was quantized from, measured bare in the same run for the int8 "
          + "target (default: models/student/student.onnx).")
  Path fp32Model;

  @Option(names = "--provider", defaultValue = "auto", description = "auto, cuda or cpu (default: ${DEFAULT-VALUE}).")
  String provider;

  @Option(names = "--network-priority", paramLabel = "PRIORITY", defaultValue = "nice",
      description = "How ONNX Runtime's threads are scheduled, as infer's --network-priority: nice, realtime or normal "
          + "(default: ${DEFAULT-VALUE}).")
  String networkPriority;

  /** {@link #networkPriority}, checked once before anything is measured. */
  private NetworkPriority priority;

  @Option(names = "--max-batch", defaultValue = "8", description = "Batch size of the pipeline, as infer's --max-batch (default: ${DEFAULT-VALUE}).")
  int maxBatch;

  @Option(names = "--stream-threads", description = "Kafka Streams threads of the pipeline (default: the number of cores, as infer).")
  Integer streamThreads;

  @Option(names = "--pipeline-cameras", defaultValue = "16", description = "Cameras whose frames are loaded for (2) (default: ${DEFAULT-VALUE}).")
  int pipelineCameras;

  @Option(names = "--frame-size", paramLabel = "PIXELS",
      description = "Width and height the cameras are ingested at (default: the model's frame encoding, what it was trained on; "
          + "the resize is always the model's).")
  Integer frameSize;

  @Option(names = "--frame-encoding", paramLabel = "FORMAT",
      description = "How the cameras' frames are encoded, as the ingest's --encoding: jpeg, raw or i420 (default: the model's "
          + "frame encoding, what it was trained on).")
  String frameFormat;

  /**
   * How the cameras are ingested: the model's frame encoding, its size replaced by {@link #frameSize}
   * and its image format by {@link #frameFormat} where given.
   */
  private FrameEncoding cameraFrames;

  @Option(names = "--decoder-threads", defaultValue = "1",
      description = "FFmpeg decoding threads per camera, as the ingest's decoderThreads: 1 suits many small cameras in one "
          + "process; 0 lets FFmpeg choose (default: ${DEFAULT-VALUE}).")
  int decoderThreads;

  @Option(names = "--clips-per-camera", defaultValue = "30", description = "Clips per camera for (2) (default: ${DEFAULT-VALUE}).")
  int clipsPerCamera;

  @Option(names = "--run", defaultValue = "45s", converter = io.actionstream.cli.DurationConverter.class,
      description = "Length of each real-time run of (3) and (4) (default: ${DEFAULT-VALUE}).")
  Duration run;

  @Option(names = "--broker-log-dir", paramLabel = "DIR", defaultValue = BrokerLog.RAM_DISK,
      description = "Where the embedded broker of the real-time runs of (3) and (4) keeps its log, a new folder per run, "
          + "deleted after it (default: ${DEFAULT-VALUE}, Linux's RAM disk: nothing of the log reaches a disk).")
  Path brokerLogDir;

  @Option(names = "--broker-retention", paramLabel = "DURATION", defaultValue = "0s", converter = io.actionstream.cli.DurationConverter.class,
      description = "How long the real-time runs' broker keeps its topics' data: 0 for Kafka's defaults (7 days, 1 GiB "
          + "segments: nothing is rolled or deleted within a run), else at least 3s, in segments rolled every third of it, "
          + "each written to disk when rolled; a log on a disk needs one (e.g. 15s, rounds 17-23), since without it the kernel "
          + "wrote 30 s of raw frames back at once (default: ${DEFAULT-VALUE}).")
  Duration brokerRetention;

  /** {@link #brokerLogDir} and {@link #brokerRetention}, checked once before anything is measured (null with --pipeline-only). */
  private BrokerLog brokerLog;

  @Option(names = "--broker-priority", paramLabel = "PRIORITY", defaultValue = "feeders",
      description = "The embedded broker's threads: feeders (at the stream threads' priority, nice -10 where the process may "
          + "and the network's priority is not normal: a broker on machines of its own is not starved by the network, and here "
          + "it carries the last frames of a burst) or normal (the process's, as before round 18) (default: ${DEFAULT-VALUE}).")
  String brokerPriority;

  @Option(names = "--held-p99", paramLabel = "DURATION", defaultValue = "1s", converter = io.actionstream.cli.DurationConverter.class,
      description = "The most a real-time run's capture-to-event p99 may be for its cameras to count as held in (3), beside "
          + "at least 90%% of the expected events and a lag that does not grow (default: ${DEFAULT-VALUE}).")
  Duration heldP99;

  /** {@link #heldP99} and the rest of what (3) asks of a run, checked once before anything is measured. */
  private HoldRule holdRule;

  /** Reads the CPU clocks ahead of the network, for the duration of a run of this command. */
  private CpuReader cpuReader;

  @Option(names = "--cameras", paramLabel = "N",
      description = "Run (3) once with N cameras instead of searching for the most that hold, and (4) at half of N: "
          + "for comparing settings at one load (default: search).")
  Integer fixedCameras;

  @Option(names = "--spread-groups", paramLabel = "N", defaultValue = "0",
      description = "How the cameras' start times are spread in the runs of (3) and the steady run of (4): 0, each camera "
          + "its own, evenly over a clip's period (the ingest's stagger, as independent cameras are); N, in N groups of "
          + "cameras started together, one group every period/N, as this benchmark did before round 16 (default: "
          + "${DEFAULT-VALUE}).")
  int spreadGroups;

  @Option(names = "--frame-deferral", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "In the real-time runs of (3) and (4), the cameras hold the frames that complete no clip while the "
          + "network is busy, as an ingest in the network's process does (--no-frame-deferral: every frame goes when due, "
          + "as before round 29) (default: ${DEFAULT-VALUE}).")
  boolean frameDeferral;

  @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
      description = "Extra Kafka Streams / client property for the inference, e.g. commit.interval.ms=200; repeatable.")
  Map<String, String> kafkaProperties = new java.util.LinkedHashMap<>();

  @Option(names = "--warmup-runs", defaultValue = "5",
      description = "Unmeasured pipeline runs first, at least, while the JIT compiles (default: ${DEFAULT-VALUE}).")
  int warmupRuns;

  @Option(names = "--max-warmup-runs", defaultValue = "20",
      description = "More warm-up runs, up to this many, until the JIT compilers took at most --warmup-jit-share of ONNX "
          + "Runtime's CPU in --warmup-quiet-runs runs in a row; set it to --warmup-runs for a fixed count "
          + "(default: ${DEFAULT-VALUE}).")
  int maxWarmupRuns;

  @Option(names = "--warmup-jit-share", defaultValue = "0.1",
      description = "The JIT's CPU, as a share of ONNX Runtime's, at or below which a warm-up run counts as quiet "
          + "(default: ${DEFAULT-VALUE}).")
  double warmupJitShare;

  @Option(names = "--warmup-quiet-runs", defaultValue = "2",
      description = "Quiet warm-up runs in a row after which the JVM counts as warm (default: ${DEFAULT-VALUE}).")
  int warmupQuietRuns;

  @Option(names = "--measured-runs", defaultValue = "3",
      description = "Measured pipeline runs of (2), after the warm-up: clips/s is given as their mean and range, the CPU split "
          + "over all of them, since one run's split moves by a tenth on a shared machine (default: ${DEFAULT-VALUE}).")
  int measuredRuns;

  @Option(names = "--pipeline-only", description = "Measure (1) and (2) only, skipping the real-time runs.")
  boolean pipelineOnly;

  @Option(names = "--output", defaultValue = "bench-output", description = "Folder for the report (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws Exception {
    if (spreadGroups < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--spread-groups must be 0 or more, got " + spreadGroups);
    }
    if (fixedCameras != null && fixedCameras < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--cameras must be at least 1, got " + fixedCameras);
    }
    if (!brokerPriority.equals("feeders") && !brokerPriority.equals("normal")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--broker-priority must be feeders or normal, got '" + brokerPriority + "'");
    }
    try {
      holdRule = new HoldRule(0.9, heldP99.toNanos() / 1e6);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--held-p99: " + e.getMessage());
    }
    try {
      priority = NetworkPriority.parse(networkPriority);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--network-priority: " + e.getMessage());
    }
    if (!pipelineOnly) {
      try {
        brokerLog = new BrokerLog(brokerLogDir, brokerRetention);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    WarmUp warmUp;
    try {
      warmUp = new WarmUp(warmupRuns, maxWarmupRuns, warmupJitShare, warmupQuietRuns);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--warmup-runs, --max-warmup-runs, --warmup-jit-share and --warmup-quiet-runs: " + e.getMessage());
    }
    try (CpuReader reader = new CpuReader()) {
      cpuReader = reader;
      return measure(warmUp);
    }
  }

  /** Runs the measurements, with the options checked, and writes the report. */
  private int measure(WarmUp warmUp) throws Exception {
    Path modelFile = model != null ? model : Path.of(System.getProperty("actionstream.home", "")).resolve("models/student/student.onnx");
    byte[] onnx = Files.readAllBytes(modelFile);
    PrintWriter out = spec.commandLine().getOut();
    Files.createDirectories(output);
    List<String> report = new ArrayList<>();

    // (1) bare ONNX Runtime
    double[] bare = new double[3];
    int[] batches = {1, 4, maxBatch};
    double gflops;
    String providerName;
    int parallelRuns;
    String threads;
    Precision precision;
    try (StudentModel student = StudentModel.load(onnx, ExecutionProvider.parse(provider), modelFile.toString(), StudentModel.Feed.PIXELS,
        priority)) {
      gflops = student.spec().gflops();
      FrameEncoding trained = student.spec().frameEncoding();
      cameraFrames = cameraFrames(trained);
      precision = student.spec().precision();
      providerName = student.provider();
      parallelRuns = student.parallelRuns();
      threads = student.threadScheduling().map(t -> t.realtime() ? "real time (SCHED_RR)" : "nice " + t.nice()).orElse("unknown");
      for (int i = 0; i < batches.length; i++) {
        bare[i] = bareThroughput(student, batches[i]);
        log.info("Bare ONNX Runtime, batch {}: {} clips/s", batches[i], fmt(bare[i]));
      }
    }
    // the machine's fp32 GEMM peak as ONNX Runtime reaches it, arranged as the student runs
    // a peak is the best the machine does: the best of three windows (one run moved between them by 15%)
    double peak = Double.NaN;
    if ("cpu".equals(providerName)) {
      peak = 0;
      for (int window = 0; window < 3; window++) {
        peak = Math.max(peak, GemmPeak.measure(GEMM_SIZE, parallelRuns, 3));
      }
    }
    log.info("ONNX Runtime MatMul {}x{} on {} single-threaded session(s): {} GFLOP/s", GEMM_SIZE, GEMM_SIZE, parallelRuns, fmt(peak));
    // an int8 model is held to twice its fp32 source's speed, measured here beside it
    Path fp32File = null;
    double fp32Bare = Double.NaN;
    if (precision == Precision.INT8) {
      fp32File = fp32Model != null ? fp32Model : Path.of(System.getProperty("actionstream.home", "")).resolve("models/student/student.onnx");
      try (StudentModel reference = StudentModel.load(Files.readAllBytes(fp32File), ExecutionProvider.parse(provider), fp32File.toString(),
          StudentModel.Feed.PIXELS, priority)) {
        if (reference.spec().precision() != Precision.FP32) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--fp32-model " + fp32File + " is not an fp32 model");
        }
        fp32Bare = bareThroughput(reference, maxBatch);
      }
      log.info("Bare ONNX Runtime, fp32 model {}, batch {}: {} clips/s", fp32File, maxBatch, fmt(fp32Bare));
    }
    report.add(String.format(Locale.ROOT, "Model %s (%s): %.2f GFLOPs per clip, ONNX Runtime on %s, %d cores, %d batch(es) at once, its "
        + "threads at network priority %s: %s.", modelFile.getFileName(), precision.label(), gflops, providerName,
        Runtime.getRuntime().availableProcessors(), parallelRuns, priority.label(), threads));
    report.add(JvmHeap.current().describe());
    report.add("");
    report.add("| measurement | clips/s | GFLOP/s |");
    report.add("|---|---:|---:|");
    for (int i = 0; i < batches.length; i++) {
      report.add(String.format(Locale.ROOT, "| bare ONNX Runtime, batch %d | %.1f | %.1f |", batches[i], bare[i], bare[i] * gflops));
    }
    if (fp32File != null) {
      report.add(String.format(Locale.ROOT, "| bare ONNX Runtime, batch %d, fp32 model %s | %.1f | %.1f |", maxBatch, fp32File.getFileName(),
          fp32Bare, fp32Bare * gflops));
    }

    Path video = output.resolve("bench-clips-" + clipsPerCamera + ".avi");
    if (!Files.isRegularFile(video)) {
      DemoVideo.write(video, SynthOptions.DEFAULTS.withSeed(99), clipsPerCamera, CLIP_FRAMES);
    }
    // (2) pipeline throughput, after unmeasured runs (see pipelineRuns)
    List<String> warmUpRows = new ArrayList<>();
    List<PipelineRun> runs = pipelineRuns(warmUp, modelFile, video, warmUpRows);
    PipelineRun measured = PipelineRun.together(runs);
    double pipeline = measured.clipsPerSecond();
    double slowest = runs.stream().mapToDouble(PipelineRun::clipsPerSecond).min().orElseThrow();
    double fastest = runs.stream().mapToDouble(PipelineRun::clipsPerSecond).max().orElseThrow();
    report.add(String.format(Locale.ROOT,
        "| inference pipeline via Kafka (%d cameras' %s frames loaded, batch up to %d, %d stream threads; %d measured run(s): "
            + "%.1f-%.1f clips/s) | %.1f | %.1f |",
        pipelineCameras, framesText(), maxBatch, threads(), runs.size(), slowest, fastest, pipeline, pipeline * gflops));
    report.add("");
    report.add(String.format(Locale.ROOT, "Pipeline / bare ONNX Runtime at batch %d: %.2fx.", maxBatch, pipeline / bare[2]));
    report.add("");
    report.addAll(cpuReport(measured, bare[2], Runtime.getRuntime().availableProcessors()));
    report.add("");
    report.add(String.format(Locale.ROOT, "The warm-up before it (not measured; at least %d runs, at most %d, until the JIT took at most "
        + "%.0f%% of ONNX Runtime's CPU in %d run(s) in a row):", warmUp.minRuns(), warmUp.maxRuns(), 100 * warmUp.jitShare(),
        warmUp.quietRuns()));
    report.add("");
    report.add("| warm-up run | clips/s | JIT compilers, ms CPU per clip | ONNX Runtime, ms CPU per clip |");
    report.add("|---:|---:|---:|---:|");
    report.addAll(warmUpRows);

    List<String> targets = new ArrayList<>();
    targets.add("");
    targets.add("Targets, each against a figure of this same run:");
    targets.add("");
    targets.add("| target | measured | compared with | |");
    targets.add("|---|---:|---|---|");
    // the first target is the fp32 network's: with an int8 model, its fp32 source measured above
    double network = (fp32File != null ? fp32Bare : bare[2]) * gflops;
    targets.add(String.format(Locale.ROOT, "| fp32 network >= 60%% of the fp32 GEMM peak | %.0f GFLOP/s = %.0f%% | ONNX Runtime MatMul %dx%d on %d"
        + " single-threaded session(s): %.0f GFLOP/s | %s |", network, 100 * network / peak, GEMM_SIZE, GEMM_SIZE, parallelRuns, peak,
        verdict(network >= 0.6 * peak)));
    if (fp32File != null) {
      targets.add(String.format(Locale.ROOT, "| or: int8 >= 2x the fp32 clips/s | %.1f clips/s = %.2fx | fp32 %s: %.1f clips/s (batch %d) | %s |",
          bare[2], bare[2] / fp32Bare, fp32File.getFileName(), fp32Bare, maxBatch, verdict(bare[2] >= 2 * fp32Bare)));
    }
    CpuUse cpu = measured.cpu();
    double onnxMs = measured.msPerClip(CpuUse.ONNX_RUNTIME);
    double outsideMs = measured.totalMsPerClip() - onnxMs - measured.msPerClip(CpuUse.BROKER);
    targets.add(String.format(Locale.ROOT, "| CPU per clip outside ONNX Runtime and the broker <= 0.3x ONNX Runtime's | %.2fx | ONNX Runtime"
        + " %.1f ms per clip, outside %.1f ms%s | %s |", outsideMs / onnxMs, onnxMs, outsideMs,
        cpu.consistent() ? "" : String.format(Locale.ROOT, "; the parts' CPU is %.2fx the process's", cpu.partsOverProcess()),
        cpu.consistent() ? verdict(outsideMs <= 0.3 * onnxMs) : "not reliable"));
    if (pipelineOnly) {
      report.addAll(targets);
      report.forEach(out::println);
      return 0;
    }
    // (3) real-time cameras without growing lag. The ingest of the real-time cameras runs in this
    // process too, so this is the machine's real maximum, below what (2) alone suggests.
    int firstGuess = (int) Math.floor(pipeline * CLIP_FRAMES / CAMERA_FPS);
    if (fixedCameras != null) {
      // the search's first tries warm the real-time path (the ingest, frames one by one); a fixed
      // count is tried once, and right after the pipeline's warm-up its JIT took 9.3 ms per clip
      log.info("Real-time run with {} cameras to warm that path up (not measured)", fixedCameras);
      realTime(modelFile, video, fixedCameras, true);
    }
    CameraSearch search = fixedCameras != null ? new CameraSearch(1, 0) : new CameraSearch(6, REFINE_STEPS);
    CameraSearch.Result<RealTimeRun> found = search.search(fixedCameras != null ? fixedCameras : firstGuess,
        cameras -> realTime(modelFile, video, cameras, true), this::held);
    RealTimeRun full = found.run();
    int tried = found.cameras();
    boolean sustained = found.sustained();
    report.add("");
    report.add(String.format(Locale.ROOT, "Real-time cameras (%.0f fps, one clip every %.0f s, %s, ingest in the same "
        + "process at %s with %s decoder thread(s) per camera, %s) held (%s): %d (the run of %d: capture-to-event p50 %.0f ms "
        + "in the first third of the run, %.0f ms in the last, p99 %.0f ms; %.0f%% of the expected events)%s.",
        CAMERA_FPS, CLIP_FRAMES / CAMERA_FPS, spreadText(), framesText(), decoderThreads == 0 ? "FFmpeg's automatic count of" : decoderThreads,
        brokerLog.describe(), holdRule.describe(), sustained ? tried : 0, tried,
        full.firstThirdMedian(), full.lastThirdMedian(), full.percentile(99), 100 * full.eventShare(),
        found.fewestFailed() > 0 ? "; " + found.fewestFailed() + " did not hold (the log says why)" : ""));
    report.add("");
    report.addAll(realTimeCpuReport(full, tried, sustained, Runtime.getRuntime().availableProcessors()));

    // (4) latency at half of that load: a real-time camera at 8 fps makes one 16-frame clip every
    // 2 s. Cameras started together finish their clips at the same instant, a burst of all of
    // them at once every 2 s; real cameras are out of phase. Both are measured: spread (the steady
    // load) and in phase (the worst burst).
    int halfLoad = Math.max(1, (int) Math.round(0.5 * tried));
    RealTimeRun spread = realTime(modelFile, video, halfLoad, true);
    RealTimeRun inPhase = realTime(modelFile, video, halfLoad, false);
    report.add("");
    report.add(String.format(Locale.ROOT, "Capture-to-event latency with %d real-time cameras (half of %s):", halfLoad,
        sustained ? "the cameras sustained" : "the fewest cameras tried, none of which was sustained"));
    for (RealTimeRun r : List.of(spread, inPhase)) {
      report.add(String.format(Locale.ROOT, "- %s: %d events, p50 %.0f ms, p95 %.0f ms, p99 %.0f ms (received by a read_committed "
          + "consumer, after the exactly-once commit: p50 %.0f ms, p99 %.0f ms); the network's batches took %.1f ms "
          + "of wall time per clip (%.1f clips to a clip's batch on average) and ONNX Runtime %.1f ms of CPU.",
          r == spread ? spreadText() : "all started together (every clip ends at the same instant)",
          r.events(), r.percentile(50), r.percentile(95), r.percentile(99), r.receivedPercentile(50), r.receivedPercentile(99),
          r.network().wallMsPerClip(), r.network().meanBatch(), r.onnxMsPerClip()));
      report.add("  Where capture-to-event went, p50 / p99 of each part: " + r.split().describe() + ".");
      report.add("  After the warm-up, " + r.networkWaits().describe(r.events()) + ".");
      report.add("  p99 of each " + (int) LATENCY_WINDOW_S + " s of the run: " + r.windowP99s().stream()
          .map(v -> Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v)).collect(java.util.stream.Collectors.joining(", "))
          + " ms; in the measured time, " + r.gc().describe() + ".");
      report.add("  In this run " + r.held().describe() + ".");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    double pipelineMsPerClip = onnxMs;
    double burstNetwork = inPhase.network().burstMs(halfLoad, cores);
    report.add("");
    report.add(String.format(Locale.ROOT, "The synchronized burst: its %d clips in the network at this run's %.1f ms of wall time per clip, "
        + "%d side by side, take %.0f ms (%.2fx of the %.1f ms of CPU per clip in (2), which the compute floor below uses); its p99 is "
        + "%.2fx of that, the rest being the clips' way to the network and back and the batches' uneven ends.", halfLoad,
        inPhase.network().wallMsPerClip(), cores, burstNetwork, inPhase.network().wallMsPerClip() / pipelineMsPerClip, pipelineMsPerClip,
        inPhase.percentile(99) / burstNetwork));
    // the floor from one pipeline run moves with that run (10-20% between runs of the same code);
    // the burst's own CPU per clip is measured over the whole synchronized run, beside it
    double burstCpuPerClip = inPhase.onnxMsPerClip();
    double ownFloor = halfLoad * burstCpuPerClip / cores;
    report.add(String.format(Locale.ROOT, "Against the synchronized run's own ONNX Runtime CPU, %.1f ms per clip, the floor is %.0f ms and "
        + "its p99 %.2fx of it (not the target's figure, which uses (2)).", burstCpuPerClip, ownFloor, inPhase.percentile(99) / ownFloor));
    // the cameras' other frames keep coming through a burst: what the rest of the process does
    // beside the network bounds how fast the network can go unless that work waits for it
    double aroundBurst = inPhase.coresAroundTheNetwork();
    double aroundSpread = spread.coresAroundTheNetwork();
    report.add(String.format(Locale.ROOT, "The work around the network (the process's CPU but ONNX Runtime's: ingest, broker, stream "
        + "threads, JVM) kept %.2f of the %d cores busy through the synchronized run (%.2f through the spread one). Had all of it gone on "
        + "beside the burst, the network's batches would take %.2fx their CPU time in wall time; they took %.2fx (%.1f ms of wall "
        + "time per clip against the run's own %.1f ms of ONNX Runtime CPU).", aroundBurst, cores, aroundSpread,
        NetworkTime.stretchBeside(aroundBurst, cores), inPhase.network().wallMsPerClip() / burstCpuPerClip,
        inPhase.network().wallMsPerClip(), burstCpuPerClip));
    int sustainedCameras = sustained ? tried : 0;
    if (fixedCameras != null) {
      targets.add(String.format(Locale.ROOT, "| >= %d real-time 8 fps cameras | %s | --cameras %d: not searched | |", TARGET_CAMERAS,
          sustained ? "held" : "not held", fixedCameras));
    } else {
      targets.add(String.format(Locale.ROOT, "| >= %d real-time 8 fps cameras | %d | (3) above | %s |", TARGET_CAMERAS,
          sustainedCameras, verdict(sustainedCameras >= TARGET_CAMERAS)));
    }
    // the burst's compute floor: every clip of the burst through the network, on all cores
    double floor = halfLoad * pipelineMsPerClip / cores;
    Bursts.Interval interval = inPhase.bursts().percentileInterval(99, 0.95, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED);
    String spanOfBursts = interval == null ? "" : String.format(Locale.ROOT, " (95%% CI %.2f-%.2fx over its %d bursts)",
        interval.low() / floor, interval.high() / floor, inPhase.bursts().bursts().size());
    if (interval != null) {
      report.add("");
      report.add(String.format(Locale.ROOT, "How much of the synchronized p99 is the bursts this run happened to have: drawing its %d "
          + "bursts whole, with replacement (%d draws), the p99 lies within %.0f-%.0f ms 95 times in 100, %.2f-%.2fx of the target's "
          + "floor. The target is read on the run's own p99.", inPhase.bursts().bursts().size(), BOOTSTRAP_RESAMPLES, interval.low(),
          interval.high(), interval.low() / floor, interval.high() / floor));
    }
    targets.add(String.format(Locale.ROOT, "| synchronized p99 <= 1.3x its compute floor | %.0f ms = %.2fx%s | floor: %d clips x %.1f ms"
        + " of ONNX Runtime / %d cores = %.0f ms | %s |", inPhase.percentile(99), inPhase.percentile(99) / floor, spanOfBursts, halfLoad,
        pipelineMsPerClip, cores, floor, verdict(inPhase.percentile(99) <= 1.3 * floor)));
    targets.add(String.format(Locale.ROOT, "| steady (spread) p99 <= 150 ms | %.0f ms | | %s |", spread.percentile(99),
        verdict(spread.percentile(99) <= 150)));
    report.addAll(targets);
    report.forEach(out::println);
    Path file = output.resolve("inference-benchmark.md");
    Files.write(file, report);
    out.println("Written to " + file);
    out.flush();
    return 0;
  }

  private static String verdict(boolean met) {
    return met ? "met" : "missed";
  }

  /**
   * Clips per second with nothing but ONNX Runtime running: as many callers as the model runs
   * batches at once, each running the same batch of pixels from a native buffer, as the
   * pipeline's batching workers do (the model is loaded as serving loads it, normalizing the
   * pixels itself).
   */
  private static double bareThroughput(StudentModel student, int batch) throws InterruptedException {
    byte[] pixels = new byte[batch * student.spec().clipValues()];
    new Random(1).nextBytes(pixels);
    ByteBuffer input = ByteBuffer.allocateDirect(pixels.length).put(pixels).flip();
    for (int i = 0; i < 2; i++) {
      student.run(input, batch);
    }
    AtomicLong runs = new AtomicLong();
    long start = System.nanoTime();
    long end = start + 4_000_000_000L;
    List<Thread> callers = new ArrayList<>();
    for (int c = 0; c < student.parallelRuns(); c++) {
      Thread caller = new Thread(() -> {
        while (System.nanoTime() < end || runs.get() < 5) {
          student.run(input, batch);
          runs.incrementAndGet();
        }
      }, "bare-onnx-runtime-" + c);
      callers.add(caller);
      caller.start();
    }
    for (Thread caller : callers) {
      caller.join();
    }
    return runs.get() * batch / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * A pipeline run: its clips per second (from its first event to its last), its clips, and where
   * its CPU went from the inference's resuming to its last event, which holds all of its clips'
   * work. Until round 18 the CPU was read from the benchmark's receipt of the first event, which
   * its starved thread got up to 0.7 s after the event was made, against the events' own span:
   * the two windows differed and the CPU per clip was off by up to a fifth.
   */
  record PipelineRun(double clipsPerSecond, long clips, CpuUse cpu) {
    /** Several runs as one: their clips over their time together, their CPU summed. */
    static PipelineRun together(List<PipelineRun> runs) {
      CpuUse cpu = runs.get(0).cpu();
      long clips = runs.get(0).clips();
      double seconds = runs.get(0).clips() / runs.get(0).clipsPerSecond();
      for (PipelineRun run : runs.subList(1, runs.size())) {
        cpu = cpu.plus(run.cpu());
        clips += run.clips();
        seconds += run.clips() / run.clipsPerSecond();
      }
      return new PipelineRun(clips / seconds, clips, cpu);
    }

    /** A part's CPU per clip, in milliseconds. */
    double msPerClip(String part) {
      return cpu.nanosByPart().getOrDefault(part, 0L) / 1e6 / clips;
    }

    /** The whole process's CPU per clip, in milliseconds. */
    double totalMsPerClip() {
      return cpu.processNanos() / 1e6 / clips;
    }
  }

  /**
   * The measured pipeline runs, after unmeasured ones (their rows go to {@code warmUpRows}): a fresh
   * JVM that hosts a broker, Kafka Streams and the service compiles for minutes, so the warm-up
   * lasts until the JIT has quieted (see {@link WarmUp}). All runs go through one broker and one
   * running inference, as a deployment's frames do: each run pauses the inference, loads its
   * cameras' frames, resumes it and times it. Until round 15 every run started a broker and an
   * inference of their own, whose start-up the JIT compiled again beside the measured clips.
   */
  private List<PipelineRun> pipelineRuns(WarmUp warmUp, Path modelFile, Path video, List<String> warmUpRows) throws Exception {
    try (EmbeddedKafkaBroker broker = startBroker(EmbeddedKafkaBroker.builder());
        InferenceService inference = InferenceService.start(config(broker, modelFile));
        KafkaConsumer<String, byte[]> consumer = consumer(broker)) {
      int quietInARow = 0;
      for (int i = 0; warmUp.another(i, quietInARow); i++) {
        log.info("Warm-up run {} (at least {}, at most {}) of the pipeline (not measured)", i + 1, warmUp.minRuns(), warmUp.maxRuns());
        PipelineRun run = pipelineThroughput(broker, inference, consumer, video);
        double jitMs = run.msPerClip(CpuUse.JIT);
        double onnxMs = run.msPerClip(CpuUse.ONNX_RUNTIME);
        quietInARow = warmUp.quiet(jitMs, onnxMs) ? quietInARow + 1 : 0;
        log.info("Warm-up run {}: {} clips/s; JIT compilers {} ms and ONNX Runtime {} ms of CPU per clip", i + 1,
            fmt(run.clipsPerSecond()), fmt(jitMs), fmt(onnxMs));
        warmUpRows.add(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f |", i + 1, run.clipsPerSecond(), jitMs, onnxMs));
      }
      List<PipelineRun> runs = new ArrayList<>();
      for (int i = 1; i <= Math.max(1, measuredRuns); i++) {
        runs.add(pipelineThroughput(broker, inference, consumer, video));
      }
      return runs;
    }
  }

  /**
   * One pipeline run: with the inference paused, every camera's frames are loaded (a new session
   * each), then the inference resumes and is timed from its first event to its last; the run's
   * frames are deleted from the topic after it.
   */
  private PipelineRun pipelineThroughput(EmbeddedKafkaBroker broker, InferenceService inference, KafkaConsumer<String, byte[]> consumer,
      Path video) throws Exception {
    inference.pause();
    try (IngestService ingest = IngestService.start(IngestConfigReader.fromTree(ingest(broker, video, 0, pipelineCameras, false, Duration.ZERO)))) {
      ingest.awaitCompletion(Duration.ofMinutes(10));
    }
    int expected = pipelineCameras * clipsPerCamera;
    JitSettling.Settled settled = JIT_SETTLING.await(cpuReader::now, d -> Thread.sleep(d.toMillis()));
    log.info("Frames of {} cameras loaded; {}; running the inference", pipelineCameras, settled.describe());
    CpuUse atResume = cpuReader.now();
    inference.resume();
    List<ActionEvent> events = collect(consumer, expected, Duration.ofMinutes(10));
    CpuUse cpu = cpuReader.now().since(atResume);
    long distinct = events.stream().map(ActionEvent::getEventId).distinct().count();
    log.info("{} events for {} clips, {} distinct event ids", events.size(), expected, distinct);
    long first = events.stream().mapToLong(e -> e.getTimings().getEventTimeUs()).min().orElseThrow();
    long last = events.stream().mapToLong(e -> e.getTimings().getEventTimeUs()).max().orElseThrow();
    double clipsPerSecond = (events.size() - 1) / ((last - first) / 1e6);
    log.info("Pipeline: {} events in {} s: {} clips/s", events.size(), fmt((last - first) / 1e6), fmt(clipsPerSecond));
    logThreadTimeSplit(inference);
    deleteFrames(broker);
    return new PipelineRun(clipsPerSecond, events.size(), cpu);
  }

  /** Deletes the frames a finished run loaded (every clip has its event, so no state refers to them). */
  private static void deleteFrames(EmbeddedKafkaBroker broker) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      Map<TopicPartition, OffsetSpec> partitions = new java.util.HashMap<>();
      admin.describeTopics(List.of(FRAMES_TOPIC)).allTopicNames().get().get(FRAMES_TOPIC).partitions()
          .forEach(p -> partitions.put(new TopicPartition(FRAMES_TOPIC, p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, RecordsToDelete> before = new java.util.HashMap<>();
      admin.listOffsets(partitions).all().get().forEach((partition, end) -> before.put(partition, RecordsToDelete.beforeOffset(end.offset())));
      admin.deleteRecords(before).all().get();
    }
  }

  /**
   * Where the CPU went in the measured pipeline run, per clip, and what that split allows: with
   * ONNX Runtime on the CPU, every other part takes its CPU from the same cores.
   */
  static List<String> cpuReport(PipelineRun run, double bare, int cores) {
    CpuUse cpu = run.cpu();
    double seconds = cpu.wallNanos() / 1e9;
    List<String> lines = new ArrayList<>();
    if (seconds < 1) {
      // a few polls' worth of events: the split would be noise
      lines.add(String.format(Locale.ROOT, "CPU of the measured pipeline run: not split, its events came within %.2f s; "
          + "load more clips (--pipeline-cameras, --clips-per-camera).", seconds));
      return lines;
    }
    lines.add(String.format(Locale.ROOT, "CPU of the measured pipeline run, from the inference's resuming to its last event (%.1f s, "
        + "%d cores; %.2f cores busy in this process; each reading of the clocks took at most %.1f ms):", seconds, cores,
        cpu.totalCores(), cpu.readNanos() / 1e6));
    lines.add("");
    lines.add("| part | cores | CPU ms per clip |");
    lines.add("|---|---:|---:|");
    for (String part : List.of(CpuUse.ONNX_RUNTIME, CpuUse.STREAM_THREADS, CpuUse.PRODUCERS, CpuUse.BROKER, CpuUse.BATCHING,
        CpuUse.OTHER, CpuUse.JIT, CpuUse.GC, CpuUse.JVM)) {
      lines.add(String.format(Locale.ROOT, "| %s | %.2f | %.1f |", part, cpu.cores(part), run.msPerClip(part)));
    }
    double network = run.msPerClip(CpuUse.ONNX_RUNTIME);
    double rest = run.totalMsPerClip() - network;
    double ceiling = 1000 * cores / (network + rest);
    double budget = 1000 * cores / (0.8 * bare) - network;
    // ONNX Runtime in the pipeline can cost more per clip than bare (the other parts evict its
    // caches), so that 0.8x of bare may be out of reach with nothing else running at all
    String needs = budget > 0 ? String.format(Locale.ROOT, "0.8x of bare needs everything else within %.1f ms per clip.", budget)
        : String.format(Locale.ROOT, "0.8x of bare is out of reach at this ONNX Runtime cost alone (%.0f clips/s with nothing else).",
            1000 * cores / network);
    lines.add("");
    lines.add(String.format(Locale.ROOT, "At this split, ONNX Runtime takes %.1f ms of CPU per clip and everything else %.1f ms: "
        + "%d fully busy cores run at most %.0f clips/s (%.2fx of bare). %s", network, rest, cores, ceiling, ceiling / bare, needs));
    if (!cpu.consistent()) {
      lines.add("");
      lines.add(String.format(Locale.ROOT, "**This split is not reliable**: the parts' CPU adds up to %.2fx the process's own over the "
          + "same window, which the clocks cannot do; the work outside ONNX Runtime is then undercounted. Run the benchmark again.",
          cpu.partsOverProcess()));
    }
    return lines;
  }

  /**
   * Where the CPU went with the most real-time cameras run (ingest included, as it runs in this
   * process), per clip, beside what 150 cameras would leave per clip on these cores.
   */
  static List<String> realTimeCpuReport(RealTimeRun run, int cameras, boolean sustained, int cores) {
    CpuUse cpu = run.cpu();
    List<String> lines = new ArrayList<>();
    if (cpu.wallNanos() < 1_000_000_000L || run.events() == 0) {
      lines.add("CPU of the real-time run: not split, too few events after the warm-up.");
      return lines;
    }
    lines.add(String.format(Locale.ROOT, "CPU of the real-time run with %d cameras (%s), after the warm-up (%.1f s, %.1f clips/s; %.2f "
        + "of %d cores busy in this process; each reading of the clocks took at most %.1f ms):", cameras,
        sustained ? "sustained" : "not sustained", cpu.wallNanos() / 1e9, run.clipsPerSecond(), cpu.totalCores(), cores,
        cpu.readNanos() / 1e6));
    lines.add("");
    lines.add("| part | cores | CPU ms per clip |");
    lines.add("|---|---:|---:|");
    double perClip = 1000 / run.clipsPerSecond();
    for (String part : List.of(CpuUse.INGEST, CpuUse.ONNX_RUNTIME, CpuUse.STREAM_THREADS, CpuUse.PRODUCERS, CpuUse.BROKER,
        CpuUse.BATCHING, CpuUse.OTHER, CpuUse.JIT, CpuUse.GC, CpuUse.JVM)) {
      lines.add(String.format(Locale.ROOT, "| %s | %.2f | %.1f |", part, cpu.cores(part), cpu.cores(part) * perClip));
    }
    double target = TARGET_CAMERAS * CAMERA_FPS / CLIP_FRAMES;
    lines.add("");
    lines.add(String.format(Locale.ROOT, "%d cameras make %.0f clips/s: %d cores leave %.1f ms of CPU per clip for everything; this run "
        + "used %.1f ms per clip, %.1f of them in the ingest.", TARGET_CAMERAS, target, cores, 1000 * cores / target,
        cpu.totalCores() * perClip, cpu.cores(CpuUse.INGEST) * perClip));
    return lines;
  }

  /**
   * Latencies (HdrHistogram, microseconds) of a run of real-time looping cameras, whether it kept
   * up, and where the process's CPU went after the warm-up.
   */
  record RealTimeRun(Histogram latencies, Histogram received, double firstThirdMedian, double lastThirdMedian, double eventShare,
      CpuUse cpu, NetworkTime network, LatencySplit split, List<Double> windowP99s, GcPauses.Summary gc, RunQueueWait networkWaits,
      HeldFrames held, Bursts bursts) {
    /** The {@code p}th percentile of capture-to-event, in milliseconds. */
    double percentile(double p) {
      return MillisHistogram.percentile(latencies, p);
    }

    /**
     * The {@code p}th percentile, in milliseconds, from the capture of a clip's last frame to the
     * moment the benchmark's {@code read_committed} consumer received its event: capture-to-event
     * plus the wait for the exactly-once commit that makes the event visible, and the fetch.
     */
    double receivedPercentile(double p) {
      return MillisHistogram.percentile(received, p);
    }

    long events() {
      return latencies.getTotalCount();
    }

    /** ONNX Runtime's CPU per clip over the run after the warm-up, in milliseconds. */
    double onnxMsPerClip() {
      return 1000 * cpu.cores(CpuUse.ONNX_RUNTIME) / clipsPerSecond();
    }

    /**
     * Cores' worth of the process's CPU other than ONNX Runtime's over the run after the warm-up:
     * the work around the network. At least 0, since the process's clock and the threads' are read
     * a moment apart.
     */
    double coresAroundTheNetwork() {
      return Math.max(0, cpu.totalCores() - cpu.cores(CpuUse.ONNX_RUNTIME));
    }

    /** Events per second after the warm-up, the window the CPU was measured over. */
    double clipsPerSecond() {
      return events() / (cpu.wallNanos() / 1e9);
    }

    /** What {@link HoldRule} looks at. */
    HoldRule.Observed observed() {
      return new HoldRule.Observed(eventShare, firstThirdMedian, lastThirdMedian, percentile(99));
    }
  }

  /** The wait for the JIT's compilations of a pipeline run's set-up: quiet is under 5% of a core over 100 ms, for at most 3 s. */
  private static final JitSettling JIT_SETTLING = new JitSettling(Duration.ofMillis(100), Duration.ofSeconds(3), 0.05);

  /** Draws of the bootstrap of the synchronized run's p99, and their seed (the same run gives the same interval). */
  private static final int BOOTSTRAP_RESAMPLES = 2000;
  private static final long BOOTSTRAP_SEED = 30;

  /** Side of the square matrices of the GEMM peak probe (17 GFLOP a run). */
  private static final int GEMM_SIZE = 2048;

  /** Length of the windows whose p99 a latency run reports, to tell a steady tail from one stall. */
  private static final double LATENCY_WINDOW_S = 5;

  /** The start of a real-time run that is not measured: the first clip of a camera is complete after 2 s. */
  private static final long WARM_UP_NANOS = 5_000_000_000L;

  private RealTimeRun realTime(Path modelFile, Path video, int cameras, boolean spread) throws Exception {
    log.info("Running {} real-time camera(s) for {} s, {}", cameras, run.toSeconds(),
        spread ? spreadText() : "all started together");
    List<IngestService> ingests = new ArrayList<>();
    try (GcPauses gcPauses = GcPauses.watch();
        EmbeddedKafkaBroker broker = realTimeBroker(cameras);
        InferenceService inference = InferenceService.start(config(broker, modelFile));
        KafkaConsumer<String, byte[]> consumer = consumer(broker);
        // the cameras stop before the inference and the broker
        AutoCloseable cameraGroups = () -> {
          for (IngestService ingest : ingests) {
            ingest.close();
          }
        }) {
      long period = (long) (1000 * CLIP_FRAMES / CAMERA_FPS);
      // one ingest for all cameras, each starting at its own time; or groups of cameras in phase
      int groups = spread && spreadGroups > 0 ? Math.min(spreadGroups, cameras) : 1;
      Duration stagger = spread && spreadGroups == 0 ? Duration.ofMillis(period) : Duration.ZERO;
      for (int group = 0; group < groups; group++) {
        int from = group * cameras / groups;
        int to = (group + 1) * cameras / groups;
        IngestConfig cameraGroup = IngestConfigReader.fromTree(ingest(broker, video, from, to, true, stagger));
        ingests.add(frameDeferral ? IngestService.start(cameraGroup, inference.frameDeferral()) : IngestService.start(cameraGroup));
        Thread.sleep(period / groups);
      }
      long start = System.nanoTime();
      long startUs = CaptureClock.nowMicros();
      List<double[]> samples = new ArrayList<>(); // {seconds since start, capture-to-event ms, capture-to-receipt ms}
      List<Timings> timings = new ArrayList<>(); // after the warm-up
      CpuUse afterWarmUp = null;
      RunQueueWait waitsAfterWarmUp = null;
      while (System.nanoTime() - start < run.toNanos()) {
        if (afterWarmUp == null && System.nanoTime() - start > WARM_UP_NANOS) {
          afterWarmUp = cpuReader.now();
          waitsAfterWarmUp = RunQueueWait.now();
        }
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
        long receivedUs = CaptureClock.nowMicros();
        for (ConsumerRecord<String, byte[]> record : records) {
          ActionEvent e = ActionEvent.parseFrom(record.value());
          double at = (System.nanoTime() - start) / 1e9;
          EventLatency latency = EventLatency.of(e.getTimings(), receivedUs);
          samples.add(new double[] {at, latency.captureToEventMs(), latency.captureToReceiptMs()});
          if (at > WARM_UP_NANOS / 1e9) {
            timings.add(e.getTimings());
          }
        }
      }
      double seconds = run.toSeconds();
      // the first clip of a camera is complete after 2 s; skip the warm-up's first 5 s
      double warmUp = WARM_UP_NANOS / 1e9;
      Histogram latencies = histogram(samples, 1, s -> s[0] > warmUp);
      Histogram received = histogram(samples, 2, s -> s[0] > warmUp);
      Histogram firstThird = histogram(samples, 1, s -> s[0] > warmUp && s[0] <= warmUp + (seconds - warmUp) / 3);
      Histogram lastThird = histogram(samples, 1, s -> s[0] > seconds - (seconds - warmUp) / 3);
      double expected = cameras * (seconds - warmUp) * CAMERA_FPS / CLIP_FRAMES;
      CpuUse end = cpuReader.now();
      CpuUse cpu = end.since(afterWarmUp != null ? afterWarmUp : end);
      RunQueueWait waitsAtEnd = RunQueueWait.now();
      RunQueueWait networkWaits = waitsAtEnd.since(waitsAfterWarmUp != null ? waitsAfterWarmUp : waitsAtEnd);
      List<Double> windowP99s = new ArrayList<>();
      for (double from = warmUp; from + LATENCY_WINDOW_S <= seconds + 1e-9; from += LATENCY_WINDOW_S) {
        double lo = from;
        windowP99s.add(MillisHistogram.percentile(histogram(samples, 1, s -> s[0] > lo && s[0] <= lo + LATENCY_WINDOW_S), 99));
      }
      // the run's p99 is made by its worst bursts: which, and where their slowest clips' time went
      Bursts bursts = spread ? new Bursts(List.of()) : Bursts.of(timings);
      bursts.bursts().forEach(burst -> log.info("Burst {}", burst.describe(startUs)));
      HeldFrames held = frameDeferral ? HeldFrames.of(ingests) : HeldFrames.NONE;
      log.info("In that run {}", held.describe());
      return new RealTimeRun(latencies, received, median(firstThird), median(lastThird), latencies.getTotalCount() / expected, cpu,
          NetworkTime.of(timings), LatencySplit.of(timings), windowP99s, gcPauses.since(start + WARM_UP_NANOS), networkWaits, held,
          bursts);
    }
  }

  /** Whether a run's cameras held, logging why not where they did not. */
  private boolean held(RealTimeRun run) {
    java.util.Optional<String> failure = holdRule.failure(run.observed());
    failure.ifPresent(why -> log.info("Not held: {}", why));
    return failure.isEmpty();
  }

  /** The embedded broker of a real-time run of {@code cameras}, its log where {@link BrokerLog} says, if it has room. */
  private EmbeddedKafkaBroker realTimeBroker(int cameras) throws Exception {
    // a JPEG is smaller than its raw pixels at the ingest's qualities: raw bounds every encoding
    ImageFormat format = ImageFormat.of(cameraFrames.getEncoding());
    long pixels = (format.uncompressed() ? format : ImageFormat.RAW).pixelBytes(cameraFrames.getWidth(), cameraFrames.getHeight());
    long usable = Files.getFileStore(brokerLog.parent()).getUsableSpace();
    Optional<String> noRoom = brokerLog.roomProblem(usable, cameras, CAMERA_FPS, run.toSeconds(), pixels + FRAME_RECORD_OVERHEAD);
    if (noRoom.isPresent()) {
      throw new IllegalStateException(noRoom.get());
    }
    return startBroker(brokerLog.configure(EmbeddedKafkaBroker.builder()));
  }

  /**
   * Starts the embedded broker, with {@code --broker-priority feeders} from a thread at the
   * network's feeders' priority, whose nice value every thread the broker starts inherits. At
   * nice 0 beside the network at nice -20 the broker's request handlers got about a hundredth of
   * a core while the network ran a burst's first clips, and the burst's last frames waited in
   * them (round 18: the slowest clips' way to the network up to 700 ms).
   */
  private EmbeddedKafkaBroker startBroker(EmbeddedKafkaBroker.Builder builder) throws Exception {
    return brokerPriority.equals("normal") ? builder.start() : priority.callAtFeederPriority(builder::start);
  }

  private int threads() {
    return streamThreads != null ? streamThreads : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  private InferenceConfig config(EmbeddedKafkaBroker broker, Path modelFile) {
    Map<String, String> kafka = new java.util.HashMap<>(kafkaProperties);
    kafka.put("bootstrap.servers", broker.bootstrapServers());
    return InferenceConfig.builder(kafka).applicationId("bench-" + UUID.randomUUID()).framesTopic(FRAMES_TOPIC)
        .eventsTopic(EVENTS_TOPIC).releasesTopic(null).modelFile(modelFile)
        .provider(ExecutionProvider.parse(provider)).networkPriority(priority).maxBatch(maxBatch).streamThreads(threads()).topicPartitions(8).metricsPort(-1)
        .build().validate();
  }

  /** Ingest of cameras {@code cam-FROM} to {@code cam-(TO-1)}, all playing the video. */
  private com.fasterxml.jackson.databind.node.ObjectNode ingest(EmbeddedKafkaBroker broker, Path video, int from, int to,
      boolean realtime, Duration stagger) {
    var tree = IngestConfigReader.emptyTree();
    tree.putObject("kafka").put("bootstrap.servers", broker.bootstrapServers());
    tree.put("topic", FRAMES_TOPIC);
    tree.put("metricsPort", -1);
    tree.put("topicPartitions", 8);
    tree.put("stagger", stagger.toMillis() + "ms");
    tree.putObject("defaults").put("fps", CAMERA_FPS).put("realtime", realtime).put("loop", realtime)
        .put("width", cameraFrames.getWidth()).put("height", cameraFrames.getHeight())
        .put("resize", ResizeMode.of(cameraFrames.getResizeMode()).configName())
        .put("encoding", ImageFormat.of(cameraFrames.getEncoding()).configName()).put("decoderThreads", decoderThreads);
    var list = tree.putArray("cameras");
    for (int i = from; i < to; i++) {
      list.addObject().put("id", "cam-" + i).put("uri", video.toAbsolutePath().toString());
    }
    return tree;
  }

  /** How the spread runs start their cameras, as the report says it. */
  private String spreadText() {
    return spreadGroups > 0 ? "start times spread over the 2 s clip period in " + spreadGroups + " groups started together"
        : "start times spread over the 2 s clip period, each camera's its own";
  }

  /** The model's frame encoding with the size and image format this run asks for instead. */
  private FrameEncoding cameraFrames(FrameEncoding trained) {
    FrameEncoding.Builder frames = trained.toBuilder();
    if (frameSize != null) {
      frames.setWidth(frameSize).setHeight(frameSize);
    }
    if (frameFormat != null) {
      ImageFormat format;
      try {
        format = ImageFormat.parse(frameFormat);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--frame-encoding: " + e.getMessage());
      }
      frames.setEncoding(format.toProto());
    }
    return frames.build();
  }

  /** The cameras' frames as the report names them, e.g. {@code 128x128 (crop)}, or {@code 128x128 (crop, raw)}. */
  private String framesText() {
    String format = cameraFrames.getEncoding() == ImageEncoding.IMAGE_ENCODING_JPEG ? ""
        : ", " + ImageFormat.of(cameraFrames.getEncoding()).configName();
    return cameraFrames.getWidth() + "x" + cameraFrames.getHeight() + " (" + ResizeMode.of(cameraFrames.getResizeMode()).configName()
        + format + ")";
  }

  private static KafkaConsumer<String, byte[]> consumer(EmbeddedKafkaBroker broker) {
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
        "group.id", "bench-" + UUID.randomUUID(), "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
        new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(EVENTS_TOPIC));
    return consumer;
  }

  /** Events until {@code count} arrived (or for the whole timeout when 0). */
  private static List<ActionEvent> collect(KafkaConsumer<String, byte[]> consumer, int count, Duration timeout)
      throws Exception {
    List<ActionEvent> events = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while ((count == 0 || events.size() < count) && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
        events.add(ActionEvent.parseFrom(record.value()));
      }
    }
    if (count > 0 && events.size() < count) {
      throw new IllegalStateException("only " + events.size() + " of " + count + " events arrived");
    }
    return events;
  }

  /**
   * Where the stream threads spent their time (Kafka Streams' own ratios) and how full and how
   * long the batches were, for diagnosis.
   */
  private static void logThreadTimeSplit(InferenceService inference) {
    for (var snapshot : inference.registry().scrape()) {
      String name = snapshot.getMetadata().getName();
      if (snapshot instanceof io.prometheus.metrics.model.snapshots.HistogramSnapshot histogram
          && name.startsWith("actionstream_inference_batch")) {
        for (var point : histogram.getDataPoints()) {
          log.info("{}: {} batches, mean {}", name, point.getCount(),
              String.format(Locale.ROOT, "%.3f", point.getSum() / Math.max(1, point.getCount())));
        }
      }
      if (name.startsWith("kafka_stream_thread_") && name.endsWith("_ratio")) {
        for (var point : snapshot.getDataPoints()) {
          if (point instanceof io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot gauge) {
            log.info("{} {}: {}", point.getLabels().get("thread_id"), name, fmt(100 * gauge.getValue()) + "%");
          }
        }
      }
    }
  }

  /** The latencies (ms, element {@code index}) of the samples that pass {@code keep}. */
  private static Histogram histogram(List<double[]> samples, int index, java.util.function.Predicate<double[]> keep) {
    return MillisHistogram.of(samples.stream().filter(keep).mapToDouble(s -> s[index]));
  }

  private static double median(Histogram latencies) {
    return MillisHistogram.percentile(latencies, 50);
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
