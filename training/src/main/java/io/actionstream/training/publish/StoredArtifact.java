package io.actionstream.training.publish;

/** Where a model store put an artifact, its SHA-256 (lower-case hex) and size in bytes. */
public record StoredArtifact(String uri, String sha256, long size) {}
