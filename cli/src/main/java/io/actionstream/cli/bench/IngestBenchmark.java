package io.actionstream.cli.bench;

import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.ingest.CameraStatus;
import io.actionstream.ingest.IngestService;
import io.actionstream.ingest.config.IngestConfig;
import io.actionstream.ingest.config.IngestConfigReader;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code actionstream bench ingest}: frames per second of the whole JVM ingest path (decode,
 * scale, JPEG-encode, produce to the embedded broker, acknowledged) for 1 and N concurrent file
 * sources, measured in the same run as Debian's {@code ffmpeg} doing decode + scale + MJPEG
 * encode of the same file with as many concurrent processes.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measure ingest throughput (frames/s) for 1 and N concurrent file sources, side by side "
          + "with ffmpeg (decode + scale + MJPEG encode) on the same file, and print the ratio.",
      "Needs the ffmpeg command (Debian package 'ffmpeg')."
    })
public final class IngestBenchmark implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(IngestBenchmark.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--video",
      paramLabel = "FILE",
      description = "Video to ingest (default: a generated 20 s 1280x720 H.264 clip with sensor-like noise).")
  Path video;

  @Option(names = "--sources", split = ",", defaultValue = "1,8", description = "Concurrent sources to measure (default: ${DEFAULT-VALUE}).")
  List<Integer> sources;

  @Option(names = "--size", defaultValue = "224x224", description = "Output frame size (default: ${DEFAULT-VALUE}).")
  String size;

  @Option(names = "--jpeg-quality", defaultValue = "85", description = "JPEG quality of the JVM path (default: ${DEFAULT-VALUE}).")
  int jpegQuality;

  @Option(names = "--ffmpeg-qscale", defaultValue = "3", description = "ffmpeg -q:v of the MJPEG encoder, chosen to give a similar JPEG size (default: ${DEFAULT-VALUE}).")
  int ffmpegQscale;

  @Option(names = "--repeat", defaultValue = "3", description = "Runs per measurement; the median is reported (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--ffmpeg", defaultValue = "ffmpeg", description = "The ffmpeg executable (default: ${DEFAULT-VALUE}).")
  String ffmpeg;

  @Option(names = "--output", defaultValue = "bench-output", description = "Folder for the generated clip and the report (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws Exception {
    String executable = findExecutable(ffmpeg);
    if (executable == null) {
      throw new ParameterException(
          spec.commandLine(),
          "ffmpeg not found: install Debian's 'ffmpeg' package (apt-get install ffmpeg) or pass --ffmpeg PATH");
    }
    String[] wh = size.toLowerCase(Locale.ROOT).split("x");
    int width = Integer.parseInt(wh[0]);
    int height = Integer.parseInt(wh[1]);
    Files.createDirectories(output);
    Path input = video != null ? video.toAbsolutePath() : generateClip(executable, output.resolve("ingest-input.mp4"));
    if (!Files.isRegularFile(input)) {
      throw new ParameterException(spec.commandLine(), "--video: no such file: " + input);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Ingest benchmark: %s -> %dx%d JPEG, %d cores, median of %d runs%n",
        input.getFileName(), width, height, Runtime.getRuntime().availableProcessors(), repeat);

    List<Row> rows = new ArrayList<>();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      log.info("Warm-up run (not measured)");
      runJvm(broker, input, 1, width, height, "warmup");
      for (int n : sources) {
        double[] jvm = new double[repeat];
        double[] ff = new double[repeat];
        long jvmBytes = 0;
        for (int r = 0; r < repeat; r++) {
          JvmRun run = runJvm(broker, input, n, width, height, "bench-" + n + "-" + r);
          jvm[r] = run.framesPerSecond();
          jvmBytes = run.bytesPerFrame();
          ff[r] = runFfmpeg(executable, input, n, width, height, run.frames() / n);
          log.info("{} source(s), run {}: JVM {} frames/s, ffmpeg {} frames/s", n, r + 1, fmt(jvm[r]), fmt(ff[r]));
        }
        rows.add(new Row(n, median(jvm), median(ff), jvmBytes));
      }
    }
    long ffmpegBytes = ffmpegBytesPerFrame(executable, input, width, height);

    List<String> table = new ArrayList<>();
    table.add("| sources | JVM ingest (frames/s) | ffmpeg (frames/s) | JVM / ffmpeg |");
    table.add("|---:|---:|---:|---:|");
    for (Row row : rows) {
      table.add(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.2fx |",
          row.sources(), row.jvm(), row.ffmpeg(), row.jvm() / row.ffmpeg()));
    }
    table.add("");
    table.add(String.format(Locale.ROOT,
        "Average JPEG size: JVM %d bytes (quality %d), ffmpeg %d bytes (-q:v %d).",
        rows.get(0).jvmBytesPerFrame(), jpegQuality, ffmpegBytes, ffmpegQscale));
    table.forEach(out::println);
    Path report = output.resolve("ingest-benchmark.md");
    Files.write(report, table);
    out.println("Written to " + report);
    out.flush();
    return 0;
  }

  private record Row(int sources, double jvm, double ffmpeg, long jvmBytesPerFrame) {}

  private record JvmRun(long frames, double framesPerSecond, long bytesPerFrame) {}

  private JvmRun runJvm(EmbeddedKafkaBroker broker, Path input, int n, int width, int height, String topic)
      throws Exception {
    StringBuilder yaml = new StringBuilder()
        .append("kafka: {bootstrap.servers: '").append(broker.bootstrapServers()).append("'}\n")
        .append("topic: ").append(topic).append("\n")
        .append("topicPartitions: ").append(Math.max(1, n)).append("\n")
        .append("metricsPort: -1\n")
        .append("defaults: {fps: 240, width: ").append(width).append(", height: ").append(height)
        .append(", resize: stretch, realtime: false, jpegQuality: ").append(jpegQuality).append("}\n")
        .append("cameras:\n");
    for (int i = 0; i < n; i++) {
      yaml.append("  - {id: cam").append(i).append(", uri: '").append(input).append("'}\n");
    }
    Path file = Files.createTempFile("bench-ingest", ".yaml");
    Files.writeString(file, yaml);
    IngestConfig config = IngestConfigReader.read(file);
    Files.delete(file);
    long start = System.nanoTime();
    long frames;
    try (IngestService service = IngestService.start(config)) {
      if (!service.awaitCompletion(Duration.ofMinutes(30))) {
        throw new IllegalStateException("ingest did not finish within 30 minutes");
      }
      frames = service.status().stream().mapToLong(CameraStatus::framesPublished).sum();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new JvmRun(frames, frames / seconds, averageImageBytes(broker, topic));
  }

  private double runFfmpeg(String executable, Path input, int n, int width, int height, long framesPerSource)
      throws Exception {
    List<Process> processes = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      processes.add(ffmpegEncode(executable, input, width, height, "/dev/null").start());
    }
    for (Process process : processes) {
      if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException("ffmpeg failed: " + new String(process.getInputStream().readAllBytes()));
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return n * framesPerSource / seconds;
  }

  private long ffmpegBytesPerFrame(String executable, Path input, int width, int height) throws Exception {
    Path dir = Files.createTempDirectory("bench-ffmpeg");
    try {
      Process process = ffmpegEncode(executable, input, width, height, dir.resolve("%06d.jpg").toString()).start();
      process.getInputStream().readAllBytes();
      process.waitFor();
      File[] files = dir.toFile().listFiles();
      long total = Arrays.stream(files).mapToLong(File::length).sum();
      return files.length == 0 ? 0 : total / files.length;
    } finally {
      try (var paths = Files.list(dir)) {
        paths.forEach(p -> p.toFile().delete());
      }
      Files.delete(dir);
    }
  }

  private ProcessBuilder ffmpegEncode(String executable, Path input, int width, int height, String target) {
    List<String> command = new ArrayList<>(List.of(
        executable, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", input.toString(), "-an",
        "-vf", "scale=" + width + ":" + height, "-c:v", "mjpeg", "-q:v", String.valueOf(ffmpegQscale)));
    if (target.equals("/dev/null")) {
      command.addAll(List.of("-f", "image2pipe", target));
    } else {
      command.add(target);
    }
    return new ProcessBuilder(command).redirectErrorStream(true);
  }

  private static Path generateClip(String executable, Path target) throws Exception {
    if (Files.isRegularFile(target)) {
      return target.toAbsolutePath();
    }
    log.info("Generating {} (20 s, 1280x720, 25 fps, H.264 with noise) with ffmpeg", target);
    Process process = new ProcessBuilder(
            executable, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-t", "20",
            "-vf", "noise=alls=10:allf=t+u", "-c:v", "libx264", "-preset", "veryfast",
            "-pix_fmt", "yuv420p", target.toString())
        .redirectErrorStream(true)
        .start();
    String text = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IOException("ffmpeg could not generate the benchmark clip: " + text);
    }
    return target.toAbsolutePath();
  }

  /** Average JPEG size of (up to 2000 of) the frames published to {@code topic}. */
  private static long averageImageBytes(EmbeddedKafkaBroker broker, String topic) throws Exception {
    var props = java.util.Map.<String, Object>of(
        "bootstrap.servers", broker.bootstrapServers(), "group.id", "bench-size-" + topic,
        "auto.offset.reset", "earliest", "max.poll.records", 2000);
    long bytes = 0;
    long count = 0;
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
        props, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      int emptyPolls = 0;
      while (emptyPolls < 3 && count < 2000) {
        var records = consumer.poll(Duration.ofMillis(500));
        emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
        for (var record : records) {
          bytes += io.actionstream.schemas.v1.Frame.parseFrom(record.value()).getImage().size();
          count++;
        }
      }
    }
    return count == 0 ? 0 : bytes / count;
  }

  private static String findExecutable(String name) {
    if (name.contains(File.separator)) {
      return Files.isExecutable(Path.of(name)) ? name : null;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.0f", value);
  }
}
