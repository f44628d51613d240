package io.actionstream.ingest;

/**
 * A snapshot of one camera for progress reports: whether its stream is open, how many frames it
 * has handed to Kafka, and whether it has finished (a file that ended, or a stopped service).
 */
public record CameraStatus(String cameraId, boolean up, long framesPublished, boolean finished) {}
