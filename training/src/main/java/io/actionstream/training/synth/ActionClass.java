package io.actionstream.training.synth;

import java.util.Locale;

/**
 * The classes of SynthActions. Four pairs are each other's time reversal (raise/lower arm, sit
 * down/stand up, walk left/right, bend down/straighten up), so no single frame decides the
 * class; wave and jump look the same backwards. A horizontal flip turns walk left into walk
 * right and leaves every other class as it is.
 */
public enum ActionClass {
  RAISE_ARM,
  LOWER_ARM,
  SIT_DOWN,
  STAND_UP,
  WALK_LEFT,
  WALK_RIGHT,
  BEND_DOWN,
  STRAIGHTEN_UP,
  WAVE,
  JUMP;

  /** The class of this action played backwards; itself for wave and jump. */
  public ActionClass reversed() {
    return switch (this) {
      case RAISE_ARM -> LOWER_ARM;
      case LOWER_ARM -> RAISE_ARM;
      case SIT_DOWN -> STAND_UP;
      case STAND_UP -> SIT_DOWN;
      case WALK_LEFT -> WALK_RIGHT;
      case WALK_RIGHT -> WALK_LEFT;
      case BEND_DOWN -> STRAIGHTEN_UP;
      case STRAIGHTEN_UP -> BEND_DOWN;
      case WAVE, JUMP -> this;
    };
  }

  /** The class of this action mirrored left-right. */
  public ActionClass flipped() {
    return switch (this) {
      case WALK_LEFT -> WALK_RIGHT;
      case WALK_RIGHT -> WALK_LEFT;
      default -> this;
    };
  }

  /** Whether playing it backwards gives another class (so reversal consistency can be scored). */
  public boolean hasReversalPartner() {
    return reversed() != this;
  }

  /** The folder and label name, e.g. {@code raise_arm}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
