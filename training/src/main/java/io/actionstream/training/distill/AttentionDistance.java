package io.actionstream.training.distill;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/**
 * How far a student's motion attention map is from the teacher's. Both maps are distributions
 * over the T'xH'xW' positions.
 *
 * <ul>
 *   <li>{@link #KL}: Kullback-Leibler divergence KL(teacher || student), the default.
 *   <li>{@link #L2}: squared difference of the maps scaled to mean 1 (each map times the number
 *       of positions), averaged over positions, so that its size does not depend on the map
 *       resolution.
 * </ul>
 */
public enum AttentionDistance {
  KL,
  L2;

  private static final float EPSILON = 1e-8f;

  /** Mean distance over the batch; {@code teacher} and {@code student} are {@code [N, ...]}. */
  public NDArray between(NDArray teacher, NDArray student) {
    long n = student.getShape().get(0);
    NDArray p = teacher.reshape(n, -1);
    NDArray q = student.reshape(n, -1);
    if (this == KL) {
      return p.mul(p.add(EPSILON).log().sub(q.add(EPSILON).log())).sum(new int[] {1}).mean();
    }
    long positions = q.getShape().get(1);
    return q.sub(p).mul(positions).square().mean(new int[] {1}).mean();
  }

  public static AttentionDistance parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + name + "' is not an attention distance; use kl or l2");
    }
  }
}
