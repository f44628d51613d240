package io.actionstream.training.distill;

/**
 * How one network is trained. The teacher, the baseline and the student get the same epochs,
 * batch size and learning rate, so that the comparison is fair.
 *
 * @param epochs passes over the training list
 * @param batchSize clips per step
 * @param learningRate Adam's initial learning rate; decays along a cosine to 2% of it
 * @param weightDecay L2 weight decay
 * @param lambda weight of the attention distillation term (student only)
 * @param distance attention distance (student only)
 * @param seed seeds initialization, shuffling and augmentation
 */
public record TrainOptions(
    int epochs, int batchSize, float learningRate, float weightDecay, float lambda, AttentionDistance distance, long seed) {

  public TrainOptions {
    if (epochs < 1 || batchSize < 1 || learningRate <= 0 || weightDecay < 0 || lambda < 0) {
      throw new IllegalArgumentException("invalid training options: " + this);
    }
  }
}
