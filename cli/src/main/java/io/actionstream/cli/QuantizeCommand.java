package io.actionstream.cli;

import io.actionstream.model.ModelSpec;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.training.OfflineEngine;
import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.DatasetReader;
import io.actionstream.training.dataset.FrameCache;
import io.actionstream.training.dataset.PreparedDataset;
import io.actionstream.training.dataset.VideoDataset;
import io.actionstream.training.export.ExportException;
import io.actionstream.training.export.Int8Export;
import io.actionstream.training.export.ParityCheck;
import io.actionstream.training.report.QuantizationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code actionstream quantize}: the int8 variant of an fp32 student, calibrated and checked on its data set. */
@Command(
    name = "quantize",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Write the int8 variant of an fp32 student: its 3D convolutions in their per-frame form (as the CPU runner "
          + "runs them), batch norms folded, convolutions 2-4 in int8 (QDQ, which ONNX Runtime runs as integer "
          + "convolutions), activation scales calibrated on training clips. Refused when it "
          + "loses more than a point of validation top-1 against the fp32 model; both are then scored on the test "
          + "split once, and a report is written next to the output. Give the data set and split options the "
          + "model was trained with, so validation and test are the clips it never trained on.",
    },
    footer = {
      "",
      "Example (the shipped int8 student, see the README):",
      "  actionstream synth -o data/synthactions",
      "  actionstream quantize --data data/synthactions"
    })
final class QuantizeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = {"-m", "--model"}, defaultValue = "models/student/student.onnx", paramLabel = "FILE",
      description = "The fp32 student (default: ${DEFAULT-VALUE}).")
  Path model;

  @Option(names = {"-d", "--data"}, required = true, paramLabel = "DIR", description = "The labelled video folder it was trained on.")
  Path data;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Where to write the int8 model (default: NAME-int8.onnx next to --model); its report goes to the same name with .md.")
  Path output;

  @Option(names = "--split", defaultValue = "1", description = "Split list the model was trained with, 1-3 (default: ${DEFAULT-VALUE}).")
  int split;

  @Option(names = "--stride", defaultValue = "1", description = "Decoded frames between clip frames, as in training (default: ${DEFAULT-VALUE}).")
  int stride;

  @Option(names = "--validation-share", defaultValue = "0.1", description = "Validation share, as in training (default: ${DEFAULT-VALUE}).")
  double validationShare;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the validation split, as in training (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--calibration-clips", defaultValue = "64", description = "Training clips that set the activation scales (default: ${DEFAULT-VALUE}).")
  int calibrationClips;

  @Option(names = "--work", defaultValue = "work", paramLabel = "DIR", description = "Cache folder for decoded frames (default: ${DEFAULT-VALUE}).")
  Path work;

  @Option(names = "--threads", description = "Decoding threads (default: the number of cores).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    if (calibrationClips < 1) {
      throw new ParameterException(spec.commandLine(), "--calibration-clips must be at least 1, got " + calibrationClips);
    }
    if (!Files.isRegularFile(model)) {
      throw new ParameterException(spec.commandLine(), "--model: no such file: " + model);
    }
    byte[] fp32 = Files.readAllBytes(model);
    ModelSpec modelSpec;
    try (StudentModel loaded = ParityCheck.load(fp32)) {
      modelSpec = loaded.spec();
    } catch (ExportException e) {
      throw new ParameterException(spec.commandLine(), "--model: " + e.getMessage());
    }
    Path target = output != null ? output : model.resolveSibling(modelSpec.name() + "-int8.onnx");
    OfflineEngine.configure(work.resolve("djl"));
    VideoDataset dataset = DatasetReader.read(data, split);
    FrameCache frames = new FrameCache(work.resolve("cache/frames"), modelSpec, 512);
    PreparedDataset prepared = PreparedDataset.prepare(dataset, frames, null, validationShare, seed,
        threads != null ? threads : Runtime.getRuntime().availableProcessors());
    Int8Export.Result result = Int8Export.run(fp32, prepared, new ClipSampler(new ClipSpec(modelSpec, stride)), calibrationClips);
    Files.createDirectories(target.toAbsolutePath().getParent());
    Files.write(target, result.onnx());
    Path report = target.resolveSibling(target.getFileName().toString().replaceFirst("\\.onnx$", "") + ".md");
    QuantizationReport.write(result, model.toString(),
        "bin/actionstream " + String.join(" ", spec.commandLine().getParseResult().originalArgs()), fp32.length, report);
    var out = spec.commandLine().getOut();
    out.println("int8 model: " + target.toAbsolutePath());
    out.println("validation: " + result.validation().summary());
    out.println("test:       " + result.test().summary());
    out.println("Report:     " + report.toAbsolutePath());
    out.flush();
    return 0;
  }
}
