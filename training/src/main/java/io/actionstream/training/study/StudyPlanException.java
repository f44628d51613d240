package io.actionstream.training.study;

/** A study plan that cannot be run; the message names the setting and what to write instead. */
public final class StudyPlanException extends RuntimeException {

  public StudyPlanException(String message) {
    super(message);
  }
}
