package io.actionstream.ops;

import java.util.Optional;

/**
 * One question a probe asks a service ("are you alive?", "can you do your work?"): empty when
 * the answer is yes, otherwise what is wrong, in words an operator can act on.
 */
@FunctionalInterface
public interface HealthCheck {

  /** Always healthy. */
  HealthCheck OK = Optional::empty;

  Optional<String> problem();
}
