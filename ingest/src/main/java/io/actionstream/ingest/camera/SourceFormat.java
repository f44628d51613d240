package io.actionstream.ingest.camera;

/** What an opened source delivers: image size, nominal frame rate and codec. */
public record SourceFormat(int width, int height, double frameRate, String codec) {}
