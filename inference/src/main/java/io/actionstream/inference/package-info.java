/**
 * The inference service: a Kafka Streams topology that cuts each camera's frames into clips,
 * runs the ONNX student and publishes action events. Its implementation arrives with the
 * "Inference" issue; until then the module holds only this description so that the layout of
 * DESIGN.md stands from the first commit.
 */
package io.actionstream.inference;
