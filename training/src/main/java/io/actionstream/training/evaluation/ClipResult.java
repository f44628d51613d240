package io.actionstream.training.evaluation;

import io.actionstream.model.clip.FrameGeometry;

/**
 * What a network said about one test clip.
 *
 * @param label true class
 * @param predicted predicted class
 * @param probabilities softmax over classes
 * @param motionMap the motion attention map, {@code T' x H' x W'}
 * @param boxes the actor's box at each clip frame in normalized source coordinates {x, y, w, h}, or null
 * @param geometry maps the clip's pixels to normalized source coordinates, as serving maps a camera's
 * @param reversedPredicted the prediction for the clip played backwards, or -1 if not asked
 */
public record ClipResult(
    int label, int predicted, float[] probabilities, float[] motionMap, float[][] boxes, FrameGeometry geometry, int reversedPredicted) {}
