package io.actionstream.model;

import io.actionstream.schemas.v1.AttentionSpec;
import io.actionstream.schemas.v1.FrameEncoding;
import io.actionstream.model.frame.FrameEncodings;
import io.actionstream.schemas.v1.InputSpec;
import io.actionstream.schemas.v1.ResizeMode;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a student model is, as its ONNX metadata states it: name, version, labels in logit order,
 * the {@link InputSpec} that says how a frame becomes its input (frames per clip, size, frame
 * rate, the ingest's frame encoding, resize, interpolation, channel order, normalization) and
 * the shape of its attention output. The one in-memory form of the metadata: training builds it
 * before export, {@link ModelMetadata} writes and reads it, and construction refuses every spec
 * that the clip preprocessing could not honour.
 */
public final class ModelSpec {

  private final String name;
  private final String version;
  private final List<String> labels;
  private final InputSpec input;
  private final AttentionSpec attention;
  private final double gflops;
  private final Precision precision;
  private final float[] mean;
  private final float[] std;

  /**
   * @throws IllegalArgumentException naming what is wrong, when the spec is not usable
   */
  public ModelSpec(String name, String version, List<String> labels, InputSpec input, AttentionSpec attention, double gflops) {
    this(name, version, labels, input, attention, gflops, Precision.FP32);
  }

  /**
   * @throws IllegalArgumentException naming what is wrong, when the spec is not usable
   */
  public ModelSpec(String name, String version, List<String> labels, InputSpec input, AttentionSpec attention, double gflops,
      Precision precision) {
    this.precision = Objects.requireNonNull(precision, "precision");
    this.name = require(name, "model_name");
    this.version = require(version, "version");
    this.labels = List.copyOf(labels);
    this.input = input;
    this.attention = attention;
    this.gflops = gflops;
    this.mean = floats(input.getMeanList(), "mean");
    this.std = floats(input.getStdList(), "std");
    check();
  }

  /**
   * The input spec of a model trained on frames encoded as {@code encoding} and prepared the way
   * serving prepares them: shorter side to {@code shortSide}, centre {@code height x width},
   * bilinear, RGB, {@code (v / 255 - mean) / std}. The one place the fixed parts are chosen.
   */
  public static InputSpec input(int frames, int height, int width, double fps, float[] mean, float[] std, int shortSide,
      FrameEncoding encoding) {
    InputSpec.Builder spec = InputSpec.newBuilder()
        .setName(ModelContract.INPUT).setLayout(ModelContract.LAYOUT).setChannels(3).setChannelOrder(ModelContract.CHANNEL_ORDER)
        .setFrames(frames).setHeight(height).setWidth(width).setFps((float) fps)
        .setResize(ModelContract.SHORT_SIDE_CENTRE_CROP).setResizeShortSide(shortSide).setInterpolation(ModelContract.LINEAR)
        .setFrameEncoding(encoding);
    for (int c = 0; c < 3; c++) {
      spec.addMean(mean[c]).addStd(std[c]);
    }
    return spec.build();
  }

  /** The attention output of a map of {@code frames x height x width} cells. */
  public static AttentionSpec attention(int frames, int height, int width) {
    return AttentionSpec.newBuilder().setName(ModelContract.ATTENTION).setFrames(frames).setHeight(height).setWidth(width).build();
  }

  private void check() {
    if (labels.size() < 2) {
      throw new IllegalArgumentException("fewer than two labels");
    }
    if (!ModelContract.INPUT.equals(input.getName()) || !ModelContract.LAYOUT.equals(input.getLayout()) || input.getChannels() != 3
        || !ModelContract.CHANNEL_ORDER.equals(input.getChannelOrder())) {
      throw new IllegalArgumentException("input must be '" + ModelContract.INPUT + "', " + ModelContract.LAYOUT + ", 3 channels, "
          + ModelContract.CHANNEL_ORDER + "; got '" + input.getName() + "', '" + input.getLayout() + "', " + input.getChannels()
          + " channels, '" + input.getChannelOrder() + "'");
    }
    if (frames() < 1 || height() < 8 || width() < 8 || mapFrames() < 1 || mapHeight() < 1 || mapWidth() < 1) {
      throw new IllegalArgumentException("input " + frames() + "x" + height() + "x" + width() + " or attention "
          + mapFrames() + "x" + mapHeight() + "x" + mapWidth() + " is not a clip size");
    }
    if (!ModelContract.ATTENTION.equals(attention.getName())) {
      throw new IllegalArgumentException("attention output must be named '" + ModelContract.ATTENTION + "', got '" + attention.getName() + "'");
    }
    if (!(fps() > 0) || Float.isInfinite(input.getFps())) {
      throw new IllegalArgumentException("fps must be positive, got " + input.getFps());
    }
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need three values each");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std must be positive");
      }
    }
    if (!ModelContract.RESIZES.contains(resize())
        || (resize().equals(ModelContract.SHORT_SIDE_CENTRE_CROP) && resizeShortSide() < Math.max(height(), width()))) {
      throw new IllegalArgumentException("resize '" + resize() + "' with short side " + resizeShortSide() + " cannot give "
          + height() + "x" + width());
    }
    if (!ModelContract.INTERPOLATIONS.contains(interpolation())) {
      throw new IllegalArgumentException("interpolation '" + interpolation() + "' is not one of " + ModelContract.INTERPOLATIONS);
    }
    FrameEncoding encoding = input.getFrameEncoding();
    if (!input.hasFrameEncoding() || encoding.getWidth() < 1 || encoding.getHeight() < 1
        || encoding.getResizeMode() == ResizeMode.RESIZE_MODE_UNSPECIFIED || encoding.getResizeMode() == ResizeMode.UNRECOGNIZED
        || !FrameEncodings.validImage(encoding)) {
      throw new IllegalArgumentException("frame_encoding (the frames the model was trained on) must give a size, a resize mode, "
          + "and JPEG with a quality of 1-100, BGR24 or I420 (of an even size); got {" + encoding.toString().replace('\n', ' ').trim() + "}");
    }
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  public List<String> labels() {
    return labels;
  }

  public InputSpec input() {
    return input;
  }

  public AttentionSpec attention() {
    return attention;
  }

  public double gflops() {
    return gflops;
  }

  public Precision precision() {
    return precision;
  }

  /** This spec for the same network in another number format (same contract, same pixels). */
  public ModelSpec withPrecision(Precision other) {
    return new ModelSpec(name, version, labels, input, attention, gflops, other);
  }

  public int frames() {
    return input.getFrames();
  }

  public int height() {
    return input.getHeight();
  }

  public int width() {
    return input.getWidth();
  }

  public double fps() {
    return input.getFps();
  }

  public float[] mean() {
    return mean.clone();
  }

  public float[] std() {
    return std.clone();
  }

  public String resize() {
    return input.getResize();
  }

  public int resizeShortSide() {
    return input.getResizeShortSide();
  }

  public String interpolation() {
    return input.getInterpolation();
  }

  /** How the frames the model was trained on were encoded by the ingest. */
  public FrameEncoding frameEncoding() {
    return input.getFrameEncoding();
  }

  public int mapFrames() {
    return attention.getFrames();
  }

  public int mapHeight() {
    return attention.getHeight();
  }

  public int mapWidth() {
    return attention.getWidth();
  }

  public int mapSize() {
    return mapFrames() * mapHeight() * mapWidth();
  }

  /** Floats per clip in the input tensor. */
  public int clipValues() {
    return 3 * frames() * height() * width();
  }

  /** Whether clips prepared for {@code other} are valid input for this model. */
  public boolean sameInputAs(ModelSpec other) {
    return other != null && input.equals(other.input);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ModelSpec o && name.equals(o.name) && version.equals(o.version) && labels.equals(o.labels)
        && input.equals(o.input) && attention.equals(o.attention) && Double.compare(gflops, o.gflops) == 0 && precision == o.precision;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, version, labels, input, attention, gflops, precision);
  }

  @Override
  public String toString() {
    return name + " " + version + " (" + labels.size() + " labels, input " + frames() + "x3x" + height() + "x" + width() + " at "
        + fps() + " fps, attention " + mapFrames() + "x" + mapHeight() + "x" + mapWidth() + ", " + precision.label() + ")";
  }

  private static String require(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("no " + what);
    }
    return value;
  }

  private static float[] floats(List<Float> values, String what) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    if (out.length != 3) {
      throw new IllegalArgumentException(what + " needs three values, got " + Arrays.toString(out));
    }
    return out;
  }
}
