package io.actionstream.training.distill;

import java.util.Locale;

/**
 * The three networks of a training run: the flow teacher, the RGB baseline (cross-entropy
 * only) and the RGB student distilled from the teacher's motion attention. All three share the
 * {@link io.actionstream.training.network.AttentionNet} definition and training budget.
 */
public enum Role {
  TEACHER(2),
  BASELINE(3),
  STUDENT(3);

  private final int channels;

  Role(int channels) {
    this.channels = channels;
  }

  /** 2 for stacked x/y flow, 3 for RGB. */
  public int channels() {
    return channels;
  }

  public boolean readsFlow() {
    return this == TEACHER;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
