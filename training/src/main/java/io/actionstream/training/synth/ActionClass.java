package io.actionstream.training.synth;

import java.util.Locale;

/**
 * The classes of SynthActions. Three pairs are each other's time reversal (raise/lower arm, sit
 * down/stand up, bend down/straighten up), so no single frame decides the class; wave and jump
 * look the same backwards. Walk left and walk right are mirror images, not time reversals: the
 * walker faces where it goes, so a walk played backwards is a figure walking backwards, which is
 * neither class; the walks are therefore left out of the reversal metric. A horizontal flip turns
 * walk left into walk right and leaves every other class as it is.
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

  /**
   * The class of this action played backwards; itself for wave and jump (which look the same
   * backwards) and for the walks (whose reversal is no class of the set).
   */
  public ActionClass reversed() {
    return switch (this) {
      case RAISE_ARM -> LOWER_ARM;
      case LOWER_ARM -> RAISE_ARM;
      case SIT_DOWN -> STAND_UP;
      case STAND_UP -> SIT_DOWN;
      case BEND_DOWN -> STRAIGHTEN_UP;
      case STRAIGHTEN_UP -> BEND_DOWN;
      case WALK_LEFT, WALK_RIGHT, WAVE, JUMP -> this;
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
