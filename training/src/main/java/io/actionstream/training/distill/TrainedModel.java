package io.actionstream.training.distill;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.actionstream.training.network.AttentionNet;
import io.actionstream.training.network.NetworkSpec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained (or training) network with its role and history, able to run on clips in inference
 * mode (batch norm on running statistics, no gradients).
 */
public final class TrainedModel implements AutoCloseable {

  /** What the network says about {@code n} clips: flat arrays, clip after clip; probabilities are the logits' softmax. */
  public record Outputs(int n, int classes, int mapSize, float[] logits, float[] probabilities, float[] motion,
      float[] appearance) {}

  private final Role role;
  private final Model model;
  private final AttentionNet network;
  private final List<EpochStats> history;

  TrainedModel(Role role, Model model, AttentionNet network, List<EpochStats> history) {
    this.role = role;
    this.model = model;
    this.network = network;
    // a live view: the trainer appends while the model trains
    this.history = java.util.Collections.unmodifiableList(history);
  }

  /** Loads parameters saved by {@link #saveParameters} into a fresh network of {@code spec}. */
  public static TrainedModel load(Role role, NetworkSpec spec, Path file) {
    return load(role, spec, AttentionNet.Pooling.ATTENTION, file, List.of());
  }

  /** As {@link #load(Role, NetworkSpec, Path)}, for a network pooled by {@code pooling}, with its training history. */
  public static TrainedModel load(Role role, NetworkSpec spec, AttentionNet.Pooling pooling, Path file, List<EpochStats> history) {
    Model model = Model.newInstance(role.label());
    AttentionNet network = new AttentionNet(spec, pooling);
    model.setBlock(network);
    network.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, spec.channels(), spec.frames(), spec.height(), spec.width()));
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      network.loadParameters(model.getNDManager(), in);
    } catch (IOException | MalformedModelException e) {
      model.close();
      throw new IllegalStateException("cannot load " + role.label() + " parameters from " + file + ": " + e.getMessage(), e);
    }
    return new TrainedModel(role, model, network, new java.util.ArrayList<>(history));
  }

  public Role role() {
    return role;
  }

  public NetworkSpec spec() {
    return network.spec();
  }

  public AttentionNet network() {
    return network;
  }

  public List<EpochStats> history() {
    return history;
  }

  public void saveParameters(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(tmp))) {
        network.saveParameters(out);
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save parameters to " + file, e);
    }
  }

  /** Runs {@code n} clips ({@code [n, C, T, S, S]} flattened) in inference mode. */
  public Outputs predict(float[] input, int n) {
    NetworkSpec spec = spec();
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDList out = forward(manager, input, n);
      return new Outputs(n, spec.classes(), spec.mapSize(), out.get(0).toFloatArray(), out.get(0).softmax(1).toFloatArray(),
          out.get(1).toFloatArray(), out.get(2).toFloatArray());
    }
  }

  /** The motion maps of {@code n} clips as an array in {@code manager}, cut off from any gradient. */
  NDArray motionMaps(NDManager manager, float[] input, int n) {
    return forward(manager, input, n).get(1).stopGradient();
  }

  /** The logits of {@code n} clips as an array in {@code manager}, cut off from any gradient. */
  NDArray logits(NDManager manager, float[] input, int n) {
    return forward(manager, input, n).get(0).stopGradient();
  }

  private NDList forward(NDManager manager, float[] input, int n) {
    NetworkSpec spec = spec();
    NDArray x = manager.create(FloatBuffer.wrap(input, 0, n * spec.channels() * spec.frames() * spec.height() * spec.width()),
        new Shape(n, spec.channels(), spec.frames(), spec.height(), spec.width()));
    return network.forward(new ParameterStore(manager, false), new NDList(x), false);
  }

  @Override
  public void close() {
    model.close();
  }
}
