package io.actionstream.training.report;

import io.actionstream.training.export.Int8Export;
import io.actionstream.training.export.QuantizationCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the Markdown report of an int8 export: what it was made from and how it was calibrated,
 * and fp32 against int8 on the validation clips (what the check decided on) and the test split
 * (read once, for the record). Speed is not here: {@code bench inference} measures it.
 */
public final class QuantizationReport {

  private QuantizationReport() {}

  public static Path write(Int8Export.Result result, String source, String commandLine, long fp32Bytes, Path file) throws IOException {
    List<String> md = new ArrayList<>();
    md.add("# int8 report: " + file.getFileName().toString().replaceFirst("\\.md$", ""));
    md.add("");
    md.add("Quantized from `" + source + "` with:");
    md.add("");
    md.add("```");
    md.add(commandLine);
    md.add("```");
    md.add("");
    md.addAll(method(result));
    md.add("");
    md.add(String.format(Locale.ROOT, "File size: fp32 %,d bytes, int8 %,d bytes.", fp32Bytes, result.onnx().length));
    md.add("");
    md.addAll(comparison(result));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, md);
    return file;
  }

  /** How the int8 model was made: what is int8, and the calibration. */
  public static List<String> method(Int8Export.Result result) {
    float[] max = result.calibration().activationMax();
    return List.of(String.format(Locale.ROOT, "Backbone convolutions 2-4 in int8 (weights per output channel, symmetric; activations uint8 "
        + "per tensor), the first convolution, the attention heads and the classifier in fp32; batch norms folded. Activation "
        + "scales from %d training clips (centre windows), the largest value after each stage's ReLU: %.3f, %.3f, %.3f, %.3f.",
        result.calibration().clips(), max[0], max[1], max[2], max[3]));
  }

  /** fp32 against int8 on validation (what decided) and test, as a table with the rule under it. */
  public static List<String> comparison(Int8Export.Result result) {
    List<String> md = new ArrayList<>();
    md.add("| clips | n | fp32 top-1 | int8 top-1 | change (points) | same top class | max logit difference | max attention difference |");
    md.add("|---|---:|---:|---:|---:|---:|---:|---:|");
    md.add(row("validation (decides)", result.validation()));
    md.add(row("test (read once)", result.test()));
    md.add("");
    md.add(String.format(Locale.ROOT,
        "The int8 model is refused when it loses more than %.0f point of validation top-1 against fp32; it lost %.1f.",
        100 * QuantizationCheck.MAX_TOP1_DROP, Math.max(0, -100 * result.validation().top1Change())));
    return md;
  }

  private static String row(String name, QuantizationCheck.Comparison c) {
    return String.format(Locale.ROOT, "| %s | %d | %.1f%% | %.1f%% | %+.1f | %.1f%% | %.3g | %.3g |", name, c.clips(),
        100 * c.fp32Top1(), 100 * c.int8Top1(), 100 * c.top1Change(), 100 * c.agreement(), c.maxLogitDifference(),
        c.maxAttentionDifference());
  }
}
