package io.actionstream.training.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam whose moments can be written to a checkpoint and read back, so that a resumed run goes on
 * exactly where it stopped: DJL's own Adam keeps its moments to itself. The update is DJL's
 * (the engine's fused Adam step, with the same bias correction, weight decay and gradient
 * clipping); the step count, and with it the learning-rate schedule's position, is restored by
 * starting the count at the steps already taken ({@link Builder#optBeginNumUpdate}). Moments are
 * stored by parameter name, since parameter ids are new in every process.
 */
public final class CheckpointedAdam extends Optimizer {

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  private final ParameterTracker learningRate;
  private final Map<String, NDArray> means = new HashMap<>();
  private final Map<String, NDArray> variances = new HashMap<>();

  private CheckpointedAdam(Builder builder) {
    super(builder);
    this.learningRate = builder.learningRate;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    int t = updateCount(parameterId);
    double coef1 = 1.0 - Math.pow(BETA1, t);
    double coef2 = 1.0 - Math.pow(BETA2, t);
    float rate = learningRate.getNewValue(parameterId, t);
    float corrected = (float) (rate * Math.sqrt(coef2) / coef1);
    NDArray mean = means.computeIfAbsent(parameterId, k -> weight.zerosLike());
    NDArray variance = variances.computeIfAbsent(parameterId, k -> weight.zerosLike());
    weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, mean, variance), new NDList(weight), rate, corrected,
        getWeightDecay(), rescaleGrad, clipGrad, BETA1, BETA2, EPSILON, true, false);
  }

  /** Writes the moments of {@code parameters} (name, mean, variance per parameter that has them). */
  public void save(DataOutputStream out, Iterable<Pair<String, Parameter>> parameters) throws IOException {
    int count = 0;
    for (Pair<String, Parameter> p : parameters) {
      count += means.containsKey(p.getValue().getId()) ? 1 : 0;
    }
    out.writeInt(count);
    for (Pair<String, Parameter> p : parameters) {
      String id = p.getValue().getId();
      if (means.containsKey(id)) {
        out.writeUTF(p.getKey());
        write(out, means.get(id));
        write(out, variances.get(id));
      }
    }
  }

  /** Reads moments written by {@link #save} into this optimizer, for the same network's {@code parameters}. */
  public void load(DataInputStream in, Iterable<Pair<String, Parameter>> parameters, NDManager manager) throws IOException {
    Map<String, String> idsByName = new HashMap<>();
    for (Pair<String, Parameter> p : parameters) {
      idsByName.put(p.getKey(), p.getValue().getId());
    }
    int count = in.readInt();
    for (int i = 0; i < count; i++) {
      String name = in.readUTF();
      String id = idsByName.get(name);
      if (id == null) {
        throw new IOException("the checkpoint has moments of a parameter '" + name + "' the network does not have");
      }
      means.put(id, read(in, manager));
      variances.put(id, read(in, manager));
    }
  }

  private static void write(DataOutputStream out, NDArray array) throws IOException {
    byte[] bytes = array.encode();
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static NDArray read(DataInputStream in, NDManager manager) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return NDArray.decode(manager, bytes);
  }

  /** Learning rate schedule, weight decay, clipping and the step to start counting from. */
  public static final class Builder extends OptimizerBuilder<Builder> {
    private ParameterTracker learningRate;

    public Builder optLearningRateTracker(ParameterTracker tracker) {
      this.learningRate = tracker;
      return this;
    }

    @Override
    protected Builder self() {
      return this;
    }

    public CheckpointedAdam build() {
      if (learningRate == null) {
        throw new IllegalArgumentException("a learning rate schedule is needed");
      }
      return new CheckpointedAdam(this);
    }
  }
}
