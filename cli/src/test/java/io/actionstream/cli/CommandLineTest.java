package io.actionstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as a user meets it: help everywhere, and errors that say what to change. */
class CommandLineTest {

  @Test
  void everyCommandAndSubcommandAnswersHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(Main.commandLine(), new ArrayList<>(), paths);
    assertThat(paths).extracting(p -> String.join(" ", p)).contains("demo", "broker", "ingest", "infer", "events", "view", "health", "synth", "train", "bench ingest",
        "bench inference");

    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Result result = run(args.toArray(String[]::new));
      assertThat(result.code()).as("exit code of %s", args).isZero();
      assertThat(result.out()).as("help of %s", args).startsWith("Usage: actionstream");
    }
  }

  /**
   * picocli runs every description through {@code String.format}; a lone {@code %} makes it fall
   * back to the raw text with a warning on stderr in the middle of the user's help.
   */
  @Test
  void everyHelpFormatsWithoutAWarning() throws Exception {
    List<CommandLine> commands = new ArrayList<>();
    commands.add(Main.commandLine());
    for (int i = 0; i < commands.size(); i++) {
      commands.addAll(commands.get(i).getSubcommands().values());
    }
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      for (CommandLine command : commands) {
        assertThat(command.getUsageMessage()).as("help of %s", command.getCommandName()).doesNotContain("%%", "%n");
      }
    } finally {
      System.setErr(stderr);
    }
    assertThat(warnings.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("Could not format");
  }

  @Test
  void theViewerRefusesToServeOffLoopbackWithoutATokenNamingTheFlag() {
    Result result = run("view", "-b", "127.0.0.1:1", "--bind", "0.0.0.0", "--token", "");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("--token (or ACTIONSTREAM_VIEWER_TOKEN) is required to serve on 0.0.0.0");
    Result shortToken = run("view", "-b", "127.0.0.1:1", "--token", "short");
    assertThat(shortToken.code()).isEqualTo(2);
    assertThat(shortToken.err()).contains("--token must be at least 12 characters");
  }

  @Test
  void noCommandIsAUsageErrorListingTheCommands() {
    Result result = run();
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("Missing command").contains("ingest").contains("broker");
  }

  @Test
  void aBadFlagValueIsReportedUnderTheFlagsName() {
    Result result =
        run("ingest", "--camera", "door=/videos/door.mp4", "--fps", "-3", "--bootstrap-servers", "127.0.0.1:1");
    assertThat(result.code()).isEqualTo(ErrorReporter.CONFIG_ERROR);
    assertThat(result.err()).contains("configuration error: --fps: must be between 0.1 and 240, got -3");

    Result stagger =
        run("ingest", "--camera", "door=/videos/door.mp4", "--stagger", "2m", "--bootstrap-servers", "127.0.0.1:1");
    assertThat(stagger.code()).isEqualTo(ErrorReporter.CONFIG_ERROR);
    assertThat(stagger.err()).contains("configuration error: --stagger: must be between 0s and 1m, got 120000ms");
  }

  @Test
  void theNetworksPriorityIsNiceUnlessTheFlagSaysOtherwiseAndAWrongOneIsNamed() {
    InferCommand infer = new InferCommand();
    new CommandLine(infer).parseArgs("-b", "127.0.0.1:1", "--model", "student.onnx");
    assertThat(infer.config("127.0.0.1:1").networkPriority()).isEqualTo(io.actionstream.model.runtime.NetworkPriority.NICE);
    new CommandLine(infer).parseArgs("-b", "127.0.0.1:1", "--model", "student.onnx", "--network-priority", "realtime");
    assertThat(infer.config("127.0.0.1:1").networkPriority()).isEqualTo(io.actionstream.model.runtime.NetworkPriority.REALTIME);

    Result result = run("infer", "-b", "127.0.0.1:1", "--model", "student.onnx", "--network-priority", "high");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("network priority 'high' is not one of realtime, nice or normal");
  }

  @Test
  void aCameraFlagWithoutAnIdIsAUsageError() {
    Result result = run("ingest", "--camera", "rtsp://cam/stream", "-b", "127.0.0.1:1");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("--camera: expected ID=URI");
  }

  @Test
  void aConfigFileThatDoesNotExistIsNamed() {
    Result result = run("ingest", "--config", "/nonexistent/cameras.yaml");
    assertThat(result.code()).isEqualTo(ErrorReporter.CONFIG_ERROR);
    assertThat(result.err()).contains("/nonexistent/cameras.yaml: configuration file does not exist");
  }

  @Test
  void ingestWithoutBrokerOrCamerasSaysWhatIsMissing() {
    assertThat(run("ingest").err()).contains("--camera ID=URI");
    assertThat(run("ingest", "--camera", "a=/v.mp4").err())
        .contains("--bootstrap-servers: required");
  }

  @Test
  void synthWritesADataSetThatTrainingCanRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    Result result = run("synth", "-o", dir.toString(), "--clips-per-class", "2", "--size", "48", "--frames", "8");
    assertThat(result.code()).as(result.err()).isZero();
    assertThat(result.out()).contains("Wrote 20 clips");
    assertThat(dir.resolve("classInd.txt")).exists();
    assertThat(java.nio.file.Files.readAllLines(dir.resolve("testlist01.txt"))).hasSize(10);
  }

  @Test
  void synthRefusesImpossibleOptions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Result result = run("synth", "-o", dir.toString(), "--clips-per-class", "0");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("invalid SynthActions options");
  }

  @Test
  void trainOnAFolderWithoutSplitFilesSaysWhatIsMissing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Result result = run("train", "--data", dir.toString(), "--work", dir.resolve("work").toString());
    assertThat(result.code()).isEqualTo(ErrorReporter.CONFIG_ERROR);
    assertThat(result.err()).contains("data error: no split files in " + dir).contains("classInd.txt");
  }

  @Test
  void studyNamesTheSettingOfItsPlanThatIsWrong(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path plan = dir.resolve("plan.yaml");
    java.nio.file.Files.writeString(plan, "datasets: {main: data}\nseeds: [1, 2]\nbudget: {epochs: 0}\narms: []\n");
    Result result = run("study", "--plan", plan.toString());
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("'budget.epochs' must be at least 1");
    assertThat(run("study", "--plan", dir.resolve("missing.yaml").toString()).err()).contains("missing.yaml: cannot read the plan");
  }

  @Test
  void trainChecksItsFlagsBeforeTouchingData(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    assertThat(run("train", "--data", dir.toString(), "--size", "100").err())
        .contains("--size must be a multiple of 8");
    assertThat(run("train", "--data", dir.toString(), "--distance", "cosine").err())
        .contains("'cosine' is not an attention distance; use kl or l2");
    assertThat(run("train", "--data", dir.toString(), "--flow", "farneback").err())
        .contains("'farneback' is not an optical flow method; use dis or tv-l1");
    assertThat(run("train", "--data", dir.toString(), "-b", "localhost:9092").err())
        .contains("add --model-store DIR");
    assertThat(run("train", "--data", dir.toString(), "--frame-size", "128").err())
        .contains("--frame-size must be WIDTHxHEIGHT, e.g. 128x128, got '128'");
    assertThat(run("train", "--data", dir.toString(), "--frame-size", "8x8").err())
        .contains("--frame-size sides must be 16 to 4096 pixels, got 8x8");
    assertThat(run("train", "--data", dir.toString(), "--frame-resize", "squash").err())
        .contains("--frame-resize: 'squash' is not a resize mode; use one of stretch, crop, fit");
  }

  @Test
  void eventsPrintsCommittedEventsAsJsonLines() throws Exception {
    try (io.actionstream.broker.EmbeddedKafkaBroker broker = io.actionstream.broker.EmbeddedKafkaBroker.start();
        var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
            java.util.Map.of("bootstrap.servers", broker.bootstrapServers()),
            new org.apache.kafka.common.serialization.StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      for (String camera : List.of("lobby", "yard", "lobby")) {
        var event = io.actionstream.schemas.v1.ActionEvent.newBuilder().setEventId("e-" + camera).setCameraId(camera)
            .addLabels(io.actionstream.schemas.v1.LabelScore.newBuilder().setLabel("wave").setScore(0.9f)).build();
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("action-events", camera, event.toByteArray())).get();
      }
      Result result = run("events", "-b", broker.bootstrapServers(), "--from-beginning", "--camera", "lobby", "--max", "2",
          "--timeout", "30s");

      assertThat(result.code()).as(result.err()).isZero();
      List<String> lines = result.out().lines().toList();
      assertThat(lines).hasSize(2).allSatisfy(line -> {
        assertThat(line).startsWith("{").endsWith("}").contains("\"cameraId\":\"lobby\"").contains("\"label\":\"wave\"");
      });
    }
  }

  @Test
  void inferNamesAnImpossibleSetting() {
    Result result = run("infer", "-b", "127.0.0.1:1", "--max-batch", "0", "--model", "x.onnx");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("max batch must be between 1 and 1024, got 0");
    assertThat(run("infer", "-b", "127.0.0.1:1", "--provider", "tpu").err())
        .contains("'tpu' is not an execution provider; use auto, cuda or cpu");
  }

  @Test
  void benchRefusesAnImpossibleCameraCountBeforeMeasuring() {
    Result result = run("bench", "inference", "--cameras", "0");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("--cameras must be at least 1, got 0");
  }

  @Test
  void benchRefusesABrokerRetentionTooShortForItsSegments() {
    Result result = run("bench", "inference", "--broker-retention", "2s");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("--broker-retention must be 0 (Kafka's defaults) or at least 3s, got 2000 ms");
  }

  @Test
  void benchRefusesABrokerLogFolderThatIsNotThere() {
    Result result = run("bench", "inference", "--broker-log-dir", "/nonexistent-actionstream-folder");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("--broker-log-dir /nonexistent-actionstream-folder is not a folder");
  }

  @Test
  void benchRefusesABrokerPriorityItDoesNotKnow() {
    Result result = run("bench", "inference", "--broker-priority", "high");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("--broker-priority must be feeders or normal, got 'high'");
  }

  @Test
  void benchRefusesALatencyBoundOfZeroNamingTheFlag() {
    Result result = run("bench", "inference", "--held-p99", "0s");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("--held-p99: the p99 bound must be positive");
  }

  @Test
  void benchRefusesAWarmUpLimitBelowItsMinimumBeforeMeasuring() {
    Result result = run("bench", "inference", "--warmup-runs", "6", "--max-warmup-runs", "3");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("--max-warmup-runs").contains("6 and 3");
  }

  private static void collect(CommandLine command, List<String> prefix, List<List<String>> paths) {
    for (var entry : command.getSubcommands().entrySet()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(entry.getKey());
      paths.add(path);
      collect(entry.getValue(), path, paths);
    }
  }

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
