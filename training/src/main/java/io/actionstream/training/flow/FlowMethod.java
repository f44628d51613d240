package io.actionstream.training.flow;

import java.util.Locale;

/**
 * The optical flow algorithms on offer. TV-L1 is the usual choice in the literature (and the
 * slower one: about 100 ms per frame pair at 112x112 on one core here); DIS (medium preset) is
 * about a hundred times faster.
 */
public enum FlowMethod {
  TVL1,
  DIS;

  public static FlowMethod parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT).replace("-", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + name + "' is not an optical flow method; use dis or tv-l1");
    }
  }

  public String label() {
    return this == TVL1 ? "tv-l1" : "dis";
  }
}
