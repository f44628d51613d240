package io.actionstream.training.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The one network of actionstream, for both roles: a compact 3D CNN whose last feature map is
 * pooled by two spatio-temporal attention maps, after "Paying More Attention to Motion" (Liu et
 * al., arXiv 1904.03249).
 *
 * <p>Backbone: four Conv3d(3x3x3)+BatchNorm+ReLU stages; the first convolution has spatial
 * stride 2, then max pools of (1,2,2), (2,2,2) and (2,1,1) leave a feature map of {@code
 * frames/4 x height/8 x width/8}. Two 1x1x1 convolutions score every position of that map; a
 * softmax over all positions turns each score map into an attention map that sums to 1. The
 * <em>motion</em> map is the one distilled from the flow teacher (and the one exported as
 * {@code attention}); the <em>appearance</em> map is learned freely. Each map pools the features
 * into one vector; the two vectors, concatenated, feed a linear classifier.
 *
 * <p>Outputs, in order: logits {@code [N,K]}, motion attention {@code [N,T',H',W']}, appearance
 * attention {@code [N,T',H',W']}. The teacher is the same network with 2 input channels (x/y
 * flow).
 *
 * <p>With {@link Pooling#AVERAGE} the same backbone is a plain 3D CNN: the features are averaged
 * over all positions (global average pooling) into a linear classifier, and both maps it returns
 * are uniform. It is the study's no-attention control; only attention networks export to ONNX.
 */
public final class AttentionNet extends AbstractBlock {

  /** How the last feature map becomes one vector. */
  public enum Pooling {
    /** Two learned attention maps (motion, appearance), the network of the paper. */
    ATTENTION,
    /** Global average pooling, no attention. */
    AVERAGE
  }

  private static final byte VERSION = 1;

  /** Stride of the first convolution (T, H, W); the other convolutions have stride 1. */
  public static final long[] FIRST_STRIDE = {1, 2, 2};
  /** Kernel (= stride) of the max pool after stages 1, 2 and 3. */
  public static final long[][] POOLS = {{1, 2, 2}, {2, 2, 2}, {2, 1, 1}};
  /** Batch-norm epsilon, also written into the ONNX export. */
  public static final float BATCH_NORM_EPSILON = 1e-5f;

  private final NetworkSpec spec;
  private final Pooling pooling;
  private final SequentialBlock backbone;
  private final Block motionScore;
  private final Block appearanceScore;
  private final Block classifier;

  public AttentionNet(NetworkSpec spec) {
    this(spec, Pooling.ATTENTION);
  }

  public AttentionNet(NetworkSpec spec, Pooling pooling) {
    super(VERSION);
    this.spec = spec;
    this.pooling = pooling;
    int[] w = spec.widths();
    backbone = addChildBlock("backbone", new SequentialBlock());
    for (int stage = 0; stage < 4; stage++) {
      backbone.add(stage(w[stage], stage == 0 ? new Shape(FIRST_STRIDE) : new Shape(1, 1, 1)));
      if (stage < 3) {
        backbone.add(Pool.maxPool3dBlock(new Shape(POOLS[stage]), new Shape(POOLS[stage])));
      }
    }
    boolean attention = pooling == Pooling.ATTENTION;
    motionScore = attention ? addChildBlock("motion", score()) : null;
    appearanceScore = attention ? addChildBlock("appearance", score()) : null;
    classifier = addChildBlock("classifier", Linear.builder().setUnits(spec.classes()).build());
  }

  public NetworkSpec spec() {
    return spec;
  }

  public Pooling pooling() {
    return pooling;
  }

  /** The convolution and batch norm of stage {@code i} (0-3), for the ONNX exporter. */
  public Block convolution(int stage) {
    return stageBlock(stage).getChildren().get(0).getValue();
  }

  public Block batchNorm(int stage) {
    return stageBlock(stage).getChildren().get(1).getValue();
  }

  private Block stageBlock(int stage) {
    // stages sit at 0, 2, 4, 6 of the backbone, with pools in between
    return backbone.getChildren().get(2 * stage).getValue();
  }

  public Block motionScore() {
    return motionScore;
  }

  public Block appearanceScore() {
    return appearanceScore;
  }

  public Block classifier() {
    return classifier;
  }

  private static SequentialBlock stage(int filters, Shape stride) {
    return new SequentialBlock()
        .add(
            Conv3d.builder()
                .setKernelShape(new Shape(3, 3, 3))
                .optStride(stride)
                .optPadding(new Shape(1, 1, 1))
                .setFilters(filters)
                .optBias(false)
                .build())
        .add(BatchNorm.builder().optEpsilon(BATCH_NORM_EPSILON).optMomentum(0.9f).build())
        .add(Activation.reluBlock());
  }

  private static Block score() {
    return Conv3d.builder().setKernelShape(new Shape(1, 1, 1)).setFilters(1).build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray features = backbone.forward(store, inputs, training).head();
    Shape shape = features.getShape();
    long n = shape.get(0);
    long c = shape.get(1);
    long positions = shape.get(2) * shape.get(3) * shape.get(4);
    NDArray flat = features.reshape(n, c, positions);
    Shape map = new Shape(n, shape.get(2), shape.get(3), shape.get(4));
    if (pooling == Pooling.AVERAGE) {
      NDArray logits = classifier.forward(store, new NDList(flat.mean(new int[] {2})), training).head();
      NDArray uniform = features.getManager().full(map, 1f / positions);
      return new NDList(logits, uniform, uniform);
    }
    NDArray motion = attention(motionScore, store, features, training, n, positions);
    NDArray appearance = attention(appearanceScore, store, features, training, n, positions);
    NDArray pooledMotion = flat.mul(motion.reshape(n, 1, positions)).sum(new int[] {2});
    NDArray pooledAppearance = flat.mul(appearance.reshape(n, 1, positions)).sum(new int[] {2});
    NDArray logits =
        classifier
            .forward(store, new NDList(pooledMotion.concat(pooledAppearance, 1)), training)
            .head();
    return new NDList(logits, motion.reshape(map), appearance.reshape(map));
  }

  private static NDArray attention(
      Block score, ParameterStore store, NDArray features, boolean training, long n, long positions) {
    return score.forward(store, new NDList(features), training).head().reshape(n, positions).softmax(1);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    long n = inputs[0].get(0);
    Shape map = new Shape(n, spec.mapFrames(), spec.mapHeight(), spec.mapWidth());
    return new Shape[] {new Shape(n, spec.classes()), map, map};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    backbone.initialize(manager, dataType, inputShapes);
    Shape[] features = backbone.getOutputShapes(inputShapes);
    if (pooling == Pooling.AVERAGE) {
      classifier.initialize(manager, dataType, new Shape(inputShapes[0].get(0), spec.featureChannels()));
      return;
    }
    motionScore.initialize(manager, dataType, features);
    appearanceScore.initialize(manager, dataType, features);
    classifier.initialize(manager, dataType, new Shape(inputShapes[0].get(0), 2L * spec.featureChannels()));
  }
}
