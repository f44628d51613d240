package io.actionstream.training.flow;

import java.nio.ByteBuffer;

/**
 * The optical flow of a whole video, ready to be a teacher's input: for each pair of
 * consecutive frames (t, t+1) and each pixel, x and y displacement with the frame's median
 * (camera) motion removed, clipped to +-{@code bound} pixels and stored as a signed byte of
 * value {@code round(v / bound * 127)}. The teacher reads {@code byte / 127}, in [-1, 1].
 */
public record FlowField(int pairs, int width, int height, float bound, ByteBuffer values) {

  /** Offset of the x component at (x, y) of pair t; y follows it. */
  public int offset(int t, int y, int x) {
    return ((t * height + y) * width + x) * 2;
  }
}
