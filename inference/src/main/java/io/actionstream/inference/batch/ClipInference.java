package io.actionstream.inference.batch;

import io.actionstream.model.ModelSpec;

/**
 * What the network said about one clip: class probabilities, the motion attention map
 * ({@code T' x H' x W'}), which model and provider ran it, how long its batch took, how many
 * clips the batch held, and when it was handed over, started and answered.
 */
public record ClipInference(float[] probabilities, float[] attention, ModelSpec model, String provider, double batchMillis, int batchSize,
    ClipTiming timing) {}
