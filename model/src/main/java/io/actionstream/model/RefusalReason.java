package io.actionstream.model;

import java.util.Locale;

/** Why a model was not taken into service; also the {@code reason} label of the refusal metric. */
public enum RefusalReason {
  /** The artifact could not be fetched from its URI. */
  UNREACHABLE,
  /** The artifact's SHA-256 differs from the release's. */
  CHECKSUM_MISMATCH,
  /** ONNX Runtime cannot load it: not ONNX, or truncated. */
  NOT_ONNX,
  /** Labels, input spec or attention spec missing from the metadata, or inconsistent. */
  BAD_METADATA,
  /** No float input {@code clip} of shape [N, 3, T, H, W] matching the metadata. */
  WRONG_INPUT,
  /** Outputs {@code logits} [N, K] and {@code attention} [N, T', H', W'] are not both there. */
  MISSING_OUTPUTS,
  /** A trial run on a blank clip failed or gave outputs of the wrong size. */
  WARMUP_FAILED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
