package io.actionstream.training.evaluation;

import io.actionstream.model.clip.FrameGeometry;

/**
 * What a network said about one test clip.
 *
 * @param label true class
 * @param predicted predicted class
 * @param probabilities softmax over classes
 * @param map the attention map scored, {@code T' x H' x W'}: the motion map, unless the appearance map was asked for
 * @param boxes the actor's box at each clip frame in normalized source coordinates {x, y, w, h}, or null
 * @param geometry maps the clip's pixels to normalized source coordinates, as serving maps a camera's
 * @param reversedPredicted the prediction for the clip played backwards, or -1 if not asked
 */
public record ClipResult(
    int label, int predicted, float[] probabilities, float[] map, float[][] boxes, FrameGeometry geometry, int reversedPredicted) {}
