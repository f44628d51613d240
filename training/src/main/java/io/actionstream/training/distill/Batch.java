package io.actionstream.training.distill;

/**
 * Clips ready for a step: RGB {@code [n, 3, T, S, S]} and/or flow {@code [n, 2, T, S, S]} as
 * flat arrays (null when the role does not need them), and their labels.
 */
public record Batch(int size, float[] rgb, float[] flow, int[] labels) {}
