package io.actionstream.training.distill;

import io.actionstream.training.network.AttentionNet;
import io.actionstream.training.network.NetworkSpec;
import java.nio.file.Path;

/**
 * One network to train: its name in logs and progress bars, its role (which input it reads),
 * shape and pooling, what it learns from besides the labels, and the folder of its checkpoints.
 */
public record TrainingJob(String name, Role role, NetworkSpec spec, AttentionNet.Pooling pooling, Guidance guidance, Path checkpoints) {

  public TrainingJob {
    if (spec.channels() != role.channels()) {
      throw new IllegalArgumentException(name + ": a " + role.label() + " reads " + role.channels() + " channels, the network has "
          + spec.channels());
    }
  }
}
