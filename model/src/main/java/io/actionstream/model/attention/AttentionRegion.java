package io.actionstream.model.attention;

/**
 * A connected region of the attention map, in model-input pixels ({@code x0 <= x < x1}), with the
 * share of the clip's attention mass it holds.
 */
public record AttentionRegion(double x0, double y0, double x1, double y1, double mass) {}
