package io.actionstream.training.evaluation;

/**
 * What a network said about one test clip.
 *
 * @param label true class
 * @param predicted predicted class
 * @param probabilities softmax over classes
 * @param motionMap the motion attention map, {@code T' x H' x W'}
 * @param boxes the actor's box at each clip frame in clip pixels {x, y, w, h}, or null
 * @param reversedPredicted the prediction for the clip played backwards, or -1 if not asked
 */
public record ClipResult(int label, int predicted, float[] probabilities, float[] motionMap, float[][] boxes, int reversedPredicted) {}
