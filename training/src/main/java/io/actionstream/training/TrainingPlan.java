package io.actionstream.training;

import io.actionstream.schemas.v1.FrameEncoding;
import io.actionstream.training.distill.TrainOptions;
import io.actionstream.training.flow.FlowMethod;
import java.nio.file.Path;
import java.util.Map;

/**
 * One training run, fully specified.
 *
 * @param data the labelled video folder (UCF101, HMDB51 or SynthActions layout)
 * @param split which split list to use (1-3)
 * @param work caches (decoded frames, flow) and checkpoints; reused by later runs
 * @param output where the report, its plots and the ONNX file go
 * @param modelName the name the model is published under
 * @param frames frames per clip
 * @param stride decoded frames between clip frames
 * @param size crop size fed to the networks
 * @param cacheSize decoded frames are cached at this size; random crops of {@code size} come out of it
 * @param frameEncoding how the videos' frames are fitted and encoded first, as the ingest does to a camera's
 * @param widths channel widths of the four stages
 * @param flow optical flow method of the teacher's input
 * @param flowBound flow is clipped to +- this many pixels (at the cache size)
 * @param validationShare share of each training class held out for validation and the gate
 * @param options training options of the teacher and the student
 * @param baselineOptions the RGB baseline's: its own learning rate and epochs (a study's tuned ones), the rest as {@code options}
 * @param threads decoding and flow threads
 * @param int8CalibrationClips when above 0, the student is also quantized to int8 on this many training clips
 *     ({@link io.actionstream.training.export.Int8Export}) and the int8 model is the one served, gated and published;
 *     0 for fp32 only
 * @param gateMargin validation top-1 (a share) by which a candidate must beat the release in service
 * @param modelStore model store folder, or null to export without publishing
 * @param kafka Kafka client properties for announcing releases; empty to skip
 * @param releaseTopic the model-releases topic
 * @param commandLine how the run was started, for the report
 */
public record TrainingPlan(
    Path data,
    int split,
    Path work,
    Path output,
    String modelName,
    int frames,
    int stride,
    int size,
    int cacheSize,
    FrameEncoding frameEncoding,
    int[] widths,
    FlowMethod flow,
    float flowBound,
    double validationShare,
    TrainOptions options,
    TrainOptions baselineOptions,
    int threads,
    int int8CalibrationClips,
    double gateMargin,
    Path modelStore,
    Map<String, String> kafka,
    String releaseTopic,
    String commandLine) {

  public TrainingPlan {
    widths = widths.clone();
    kafka = Map.copyOf(kafka);
    if (int8CalibrationClips < 0) {
      throw new IllegalArgumentException("int8 calibration clips must be 0 (fp32 only) or more, got " + int8CalibrationClips);
    }
    if (cacheSize < size) {
      throw new IllegalArgumentException("the cache size " + cacheSize + " must not be below the crop size " + size);
    }
  }

  @Override
  public int[] widths() {
    return widths.clone();
  }
}
