package io.actionstream.training.export;

import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.PreparedDataset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The int8 variant of an exported student, made and checked in one step: calibrated on
 * training clips, refused unless it keeps fp32's validation top-1 within a point
 * ({@link QuantizationCheck}), then scored on the test split once for the report. Training's
 * {@code --int8} and the {@code quantize} command both go through here.
 */
public final class Int8Export {

  private static final Logger log = LoggerFactory.getLogger(Int8Export.class);

  /** The int8 model, its calibration, and fp32 against int8 on validation and test clips. */
  public record Result(byte[] onnx, Int8Quantizer.Calibration calibration, QuantizationCheck.Comparison validation,
      QuantizationCheck.Comparison test) {}

  private Int8Export() {}

  /**
   * @param calibrationClips how many training clips (centre windows, spread over the training
   *     list) set the activation scales
   * @throws ExportException when the int8 model cannot be made or loses too much accuracy
   */
  public static Result run(byte[] fp32, PreparedDataset data, ClipSampler sampler, int calibrationClips) {
    List<float[]> clips = sampler.centreClips(data.train(), calibrationClips);
    log.info("int8: calibrating on {} training clips", clips.size());
    Int8Quantizer.Quantized quantized = Int8Quantizer.quantize(fp32, clips);
    int stride = sampler.spec().stride();
    QuantizationCheck.Comparison validation = QuantizationCheck.compare(fp32, quantized.onnx(), data.validation(), stride);
    log.info("int8 against fp32 on validation: {}", validation.summary());
    QuantizationCheck.require(validation);
    QuantizationCheck.Comparison test = QuantizationCheck.compare(fp32, quantized.onnx(), data.test(), stride);
    log.info("int8 against fp32 on the test split: {}", test.summary());
    return new Result(quantized.onnx(), quantized.calibration(), validation, test);
  }
}
