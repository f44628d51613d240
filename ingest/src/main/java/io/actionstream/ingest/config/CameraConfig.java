package io.actionstream.ingest.config;

import io.actionstream.ingest.camera.CameraUri;

/**
 * Validated configuration of one camera: its id (the record key on the frames topic), where its
 * frames come from, and its settings with the defaults already applied.
 */
public record CameraConfig(String id, CameraUri uri, CameraSettings settings) {}
