package io.actionstream.model.runtime;

import java.util.Locale;

/**
 * Where ONNX Runtime runs the student. {@code AUTO} tries CUDA and falls back to the CPU with a
 * warning; {@code CUDA} insists (start-up fails without a usable GPU); {@code CPU} never tries.
 * CUDA needs the GPU build of ONNX Runtime: build with {@code -Pcuda}.
 */
public enum ExecutionProvider {
  AUTO,
  CUDA,
  CPU;

  public static ExecutionProvider parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + name + "' is not an execution provider; use auto, cuda or cpu");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
