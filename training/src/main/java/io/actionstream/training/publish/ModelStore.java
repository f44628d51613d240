package io.actionstream.training.publish;

import io.actionstream.schemas.v1.ModelRelease;
import java.util.Optional;

/**
 * Where published student models live: the artifacts (ONNX files, addressed by URI and checked
 * by SHA-256) and, per model name, the release currently in service. Inference fetches
 * artifacts by the URI a {@link ModelRelease} carries.
 */
public interface ModelStore {

  /** Stores the ONNX bytes of {@code modelName} at {@code version}. */
  StoredArtifact put(String modelName, String version, byte[] onnx);

  /** The release in service for {@code modelName}, if one was promoted. */
  Optional<ModelRelease> current(String modelName);

  /** Records {@code release} as the one in service for its model. */
  void promote(ModelRelease release);

  /** The bytes behind an artifact URI, checked against {@code sha256}. */
  byte[] read(String uri, String sha256);
}
