package io.actionstream.training.study;

import io.actionstream.model.ModelSpec;
import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.PreparedDataset;
import io.actionstream.training.network.NetworkSpec;
import java.nio.file.Path;
import java.util.function.IntUnaryOperator;

/**
 * One data set of a study, prepared for its arms: the development part (train and validation)
 * that training and selection see, the test split held apart, and the clip contract they share.
 *
 * @param name the plan's name for it
 * @param root its folder
 * @param development train and validation clips; no test clip
 * @param test the test clips, for selected settings only
 * @param model the RGB networks' input and attention contract
 * @param sampler cuts clips for {@code model}
 * @param rgb the RGB networks' shape
 * @param flow the teacher's shape
 * @param partners reversal partners of its classes
 */
public record StudyData(String name, Path root, PreparedDataset development, TestSplit test, ModelSpec model, ClipSampler sampler,
    NetworkSpec rgb, NetworkSpec flow, IntUnaryOperator partners) {

  public int classes() {
    return rgb.classes();
  }
}
