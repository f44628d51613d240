package io.actionstream.training.study;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an arm of the study trains: which network reads which input and learns from what besides
 * the labels. The plan spells them in kebab case ({@code attention-distillation}).
 */
public enum ArmKind {
  /** The optical-flow teacher (the reference; the distillation arms learn from it). */
  TEACHER(false),
  /** The RGB attention network, cross-entropy only. */
  BASELINE(false),
  /** The same backbone with global average pooling and no attention, cross-entropy only. */
  PLAIN_CNN(false),
  /** The paper's student: cross-entropy plus weight x distance to the teacher's motion map. */
  ATTENTION_DISTILLATION(true),
  /** Control: the teacher's maps, each given to another clip of the batch. */
  SHUFFLED_TEACHER(true),
  /** Control: the teacher's soft labels (logit distillation), no maps. */
  LOGIT_DISTILLATION(true),
  /** Control: a map computed from the flow's magnitude, no teacher network. */
  FLOW_MAGNITUDE(false);

  private final boolean needsTeacher;

  ArmKind(boolean needsTeacher) {
    this.needsTeacher = needsTeacher;
  }

  public boolean needsTeacher() {
    return needsTeacher;
  }

  /** Whether its {@code weights} mean anything (the arms with a term besides cross-entropy). */
  public boolean weighted() {
    return needsTeacher || this == FLOW_MAGNITUDE;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @JsonCreator
  public static ArmKind parse(String text) {
    for (ArmKind kind : values()) {
      if (kind.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not an arm kind; use one of "
        + Arrays.stream(values()).map(ArmKind::label).collect(Collectors.joining(", ")));
  }
}
