/**
 * The training service: SynthActions, optical flow, the flow teacher, attention distillation
 * into the RGB student, evaluation, ONNX export and publishing. Its implementation arrives with
 * the "Training" issue; until then the module holds only this description so that the layout
 * of DESIGN.md stands from the first commit.
 */
package io.actionstream.training;
