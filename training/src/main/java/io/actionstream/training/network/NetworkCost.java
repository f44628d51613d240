package io.actionstream.training.network;

/**
 * Parameter count and multiply-accumulate count of an {@link AttentionNet}, worked out from its
 * {@link NetworkSpec} layer by layer (convolutions, attention pooling and the classifier; batch
 * norm, ReLU and pooling are negligible and left out). FLOPs are reported as 2 x MACs.
 */
public record NetworkCost(long parameters, long macs) {

  public static NetworkCost of(NetworkSpec spec) {
    int[] w = spec.widths();
    long t = spec.frames();
    long h = spec.height() / 2;
    long x = spec.width() / 2;
    long params = 0;
    long macs = 0;
    int in = spec.channels();
    // stage 1 at stride (1,2,2), then pool (1,2,2)
    long[][] sizes = {
      {t, h, x}, {t, h / 2, x / 2}, {t / 2, h / 4, x / 4}, {t / 4, h / 4, x / 4}
    };
    for (int stage = 0; stage < 4; stage++) {
      long kernel = 27L * in * w[stage];
      params += kernel + 4L * w[stage]; // conv weights + batch norm gamma, beta, mean, var
      macs += kernel * sizes[stage][0] * sizes[stage][1] * sizes[stage][2];
      in = w[stage];
    }
    long positions = (long) spec.mapSize();
    params += 2L * (w[3] + 1); // two 1x1x1 score convolutions with bias
    macs += 2L * w[3] * positions; // scores
    macs += 2L * w[3] * positions; // attention pooling
    params += 2L * w[3] * spec.classes() + spec.classes();
    macs += 2L * w[3] * spec.classes();
    return new NetworkCost(params, macs);
  }

  public double gflops() {
    return 2.0 * macs / 1e9;
  }

  /** Trainable parameters: all but the batch-norm running statistics. */
  public long trainableParameters(NetworkSpec spec) {
    int[] w = spec.widths();
    return parameters - 2L * (w[0] + w[1] + w[2] + w[3]);
  }

  @Override
  public String toString() {
    return String.format("%,d parameters, %.2f GFLOPs per clip", parameters, gflops());
  }
}
