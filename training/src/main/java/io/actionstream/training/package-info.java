/**
 * The training service of actionstream: {@link io.actionstream.training.TrainingPipeline} runs
 * one training from a labelled video folder to a published student, through the packages
 * {@code synth} (SynthActions), {@code dataset}, {@code flow}, {@code network}, {@code distill},
 * {@code evaluation}, {@code export}, {@code publish} and {@code report}.
 */
package io.actionstream.training;
