package io.actionstream.training.study;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.actionstream.training.distill.AttentionDistance;
import io.actionstream.training.flow.FlowMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a study trains and how, read from a YAML file: the data sets (a main benchmark and any
 * ablations), the seeds, the input every arm sees, the shared budget and each arm's grid.
 * Relative paths are resolved against the plan's folder. See {@code studies/synthactions.yaml}.
 *
 * @param name the study's name, in the report's title
 * @param datasets data set name to folder; every arm names one (default {@code main})
 * @param work caches, checkpoints and cached results
 * @param output the report and its plots
 * @param seeds paired seeds: every arm is trained once per seed
 * @param input the clips every arm sees
 * @param budget what every arm shares
 * @param arms the arms, in the report's order
 */
public record StudyPlan(
    String name, Map<String, Path> datasets, Path work, Path output, List<Long> seeds, Input input, Budget budget, List<Arm> arms) {

  /**
   * @param frames frames per clip
   * @param stride decoded frames between clip frames
   * @param size crop size
   * @param cacheSize the short side frames are scaled to before the crop
   * @param widths the four stage widths
   * @param flow the teacher's optical flow
   * @param flowBound flow is clipped to +- this many pixels (at the cache size)
   */
  public record Input(int frames, int stride, int size, int cacheSize, int[] widths, FlowMethod flow, float flowBound) {}

  /**
   * @param epochs the epochs of one network of the training command; a student's whole budget is
   *     twice this (its teacher's epochs and its own)
   * @param batchSize clips per step
   * @param weightDecay L2 weight decay
   * @param validationShare share of the training list held out (whole groups) for selection
   * @param splitSeed seeds the validation split, the same for every seed of every arm
   */
  public record Budget(int epochs, int batchSize, float weightDecay, double validationShare, long splitSeed) {}

  /**
   * One arm: a kind of network and objective with the grid its settings are chosen from.
   *
   * @param name unique, used in folders and the report
   * @param kind what it trains
   * @param dataset which of the plan's data sets
   * @param teacher the teacher arm it learns from (kinds that need one; default {@code teacher})
   * @param learningRates the grid's learning rates
   * @param epochs the grid's epoch counts (default: the budget's epochs)
   * @param weights the grid's weights of the extra term (weighted kinds)
   * @param distance the attention distance (attention and flow-magnitude arms)
   * @param temperature the softmax temperature (logit distillation)
   * @param description what the arm shows, for the report
   */
  public record Arm(
      String name, ArmKind kind, String dataset, String teacher, List<Float> learningRates, List<Integer> epochs,
      List<Float> weights, AttentionDistance distance, float temperature, String description) {

    /** Every setting of the grid, in the plan's order (the tie-break of the selection). */
    public List<Setting> settings(Budget budget) {
      List<Setting> settings = new ArrayList<>();
      for (int e : epochs.isEmpty() ? List.of(budget.epochs()) : epochs) {
        for (float lr : learningRates) {
          for (float w : kind.weighted() ? weights : List.of(0f)) {
            settings.add(new Setting(lr, e, w));
          }
        }
      }
      return settings;
    }
  }

  /** The file's shape; validated into a {@link StudyPlan}. */
  private record File(
      String name, Map<String, String> datasets, String work, String output, List<Long> seeds, InputFile input,
      BudgetFile budget, List<ArmFile> arms) {}

  private record InputFile(Integer frames, Integer stride, Integer size, @JsonProperty("cache-size") Integer cacheSize,
      int[] widths, String flow, @JsonProperty("flow-bound") Float flowBound) {}

  private record BudgetFile(Integer epochs, @JsonProperty("batch-size") Integer batchSize, @JsonProperty("weight-decay") Float weightDecay,
      @JsonProperty("validation-share") Double validationShare, @JsonProperty("split-seed") Long splitSeed) {}

  private record ArmFile(String name, ArmKind kind, String dataset, String teacher, @JsonProperty("learning-rates") List<Float> learningRates,
      List<Integer> epochs, List<Float> weights, String distance, Float temperature, String description) {}

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Reads and validates a plan; a {@link StudyPlanException} names the setting that is wrong. */
  public static StudyPlan read(Path file) {
    File raw;
    try {
      raw = YAML.readValue(Files.readString(file), File.class);
    } catch (ValueInstantiationException e) {
      throw new StudyPlanException(file + ": " + e.getCause().getMessage());
    } catch (MismatchedInputException e) {
      throw new StudyPlanException(file + ": " + e.getOriginalMessage() + " at " + path(e));
    } catch (IOException e) {
      throw new StudyPlanException(file + ": cannot read the plan: " + e.getMessage());
    }
    if (raw == null) {
      throw new StudyPlanException(file + " is empty");
    }
    Path base = file.toAbsolutePath().getParent();
    return validate(raw, base, file);
  }

  private static String path(MismatchedInputException e) {
    StringBuilder path = new StringBuilder();
    for (var reference : e.getPath()) {
      path.append(reference.getFieldName() != null ? (path.length() == 0 ? "" : ".") + reference.getFieldName() : "[" + reference.getIndex() + "]");
    }
    return path.toString();
  }

  private static StudyPlan validate(File raw, Path base, Path file) {
    String where = file + ": ";
    require(raw.datasets() != null && !raw.datasets().isEmpty(), where + "'datasets' needs at least one entry, e.g. main: data/synthactions");
    Map<String, Path> datasets = new LinkedHashMap<>();
    raw.datasets().forEach((k, v) -> datasets.put(k, base.resolve(v).normalize()));
    require(raw.seeds() != null && raw.seeds().size() >= 1, where + "'seeds' needs at least one seed");
    require(new HashSet<>(raw.seeds()).size() == raw.seeds().size(), where + "'seeds' has a seed twice");
    InputFile in = raw.input() != null ? raw.input() : new InputFile(null, null, null, null, null, null, null);
    int size = or(in.size(), 112);
    int frames = or(in.frames(), 16);
    require(size % 8 == 0 && size >= 16, where + "'input.size' must be a multiple of 8 and at least 16, got " + size);
    require(frames % 4 == 0 && frames >= 4, where + "'input.frames' must be a multiple of 4, got " + frames);
    int cache = or(in.cacheSize(), size * 8 / 7);
    require(cache >= size, where + "'input.cache-size' " + cache + " must not be below 'input.size' " + size);
    int[] widths = in.widths() != null ? in.widths() : io.actionstream.training.network.NetworkSpec.DEFAULT_WIDTHS;
    require(widths.length == 4, where + "'input.widths' needs four numbers");
    FlowMethod flow;
    try {
      flow = FlowMethod.parse(in.flow() != null ? in.flow() : "dis");
    } catch (IllegalArgumentException e) {
      throw new StudyPlanException(where + "'input.flow': " + e.getMessage());
    }
    float bound = in.flowBound() != null ? in.flowBound() : 8f * cache / 128;
    require(bound > 0, where + "'input.flow-bound' must be positive");
    Input input = new Input(frames, or(in.stride(), 1), size, cache, widths, flow, bound);
    require(input.stride() >= 1, where + "'input.stride' must be at least 1");

    BudgetFile b = raw.budget() != null ? raw.budget() : new BudgetFile(null, null, null, null, null);
    Budget budget = new Budget(or(b.epochs(), 10), or(b.batchSize(), 8), b.weightDecay() != null ? b.weightDecay() : 1e-4f,
        b.validationShare() != null ? b.validationShare() : 0.1, b.splitSeed() != null ? b.splitSeed() : 1L);
    require(budget.epochs() >= 1, where + "'budget.epochs' must be at least 1");
    require(budget.batchSize() >= 1, where + "'budget.batch-size' must be at least 1");
    require(budget.weightDecay() >= 0, where + "'budget.weight-decay' must not be negative");
    require(budget.validationShare() > 0 && budget.validationShare() < 1,
        where + "'budget.validation-share' must be above 0 and below 1: the selection needs a validation split");

    require(raw.arms() != null && !raw.arms().isEmpty(), where + "'arms' needs at least one arm");
    List<Arm> arms = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < raw.arms().size(); i++) {
      ArmFile a = raw.arms().get(i);
      String at = where + "arms[" + i + "]";
      require(a.name() != null && a.name().matches("[a-z0-9][a-z0-9-]*"), at + ".name must be lower case letters, digits and dashes, got " + a.name());
      at = where + "arm '" + a.name() + "'";
      require(names.add(a.name()), at + " is named twice");
      require(a.kind() != null, at + " needs a kind, one of teacher, baseline, plain-cnn, attention-distillation, shuffled-teacher, "
          + "logit-distillation, flow-magnitude");
      String dataset = a.dataset() != null ? a.dataset() : "main";
      require(datasets.containsKey(dataset), at + ": dataset '" + dataset + "' is not in 'datasets' " + datasets.keySet());
      require(a.learningRates() != null && !a.learningRates().isEmpty() && a.learningRates().stream().allMatch(v -> v > 0),
          at + " needs 'learning-rates', one or more positive numbers");
      List<Integer> epochs = a.epochs() != null ? a.epochs() : List.of();
      require(epochs.stream().allMatch(v -> v >= 1), at + ": every 'epochs' value must be at least 1");
      List<Float> weights = a.weights() != null ? a.weights() : List.of();
      if (a.kind().weighted()) {
        require(!weights.isEmpty() && weights.stream().allMatch(v -> v >= 0), at + " (" + a.kind().label() + ") needs 'weights', one or more numbers >= 0");
      } else {
        require(weights.isEmpty(), at + " (" + a.kind().label() + ") has no extra term: remove 'weights'");
      }
      String teacher = null;
      if (a.kind().needsTeacher()) {
        teacher = a.teacher() != null ? a.teacher() : "teacher";
        String wanted = teacher;
        Arm found = arms.stream().filter(x -> x.name().equals(wanted)).findFirst().orElse(null);
        require(found != null && found.kind() == ArmKind.TEACHER, at + " learns from teacher arm '" + teacher
            + "', which must be a teacher arm listed before it");
        require(found.dataset().equals(dataset), at + ": its teacher '" + teacher + "' is trained on '" + found.dataset() + "', not '" + dataset + "'");
        require(found.settings(budget).size() == 1, at + ": its teacher '" + teacher + "' must have a single setting");
      }
      AttentionDistance distance;
      try {
        distance = AttentionDistance.parse(a.distance() != null ? a.distance() : "kl");
      } catch (IllegalArgumentException e) {
        throw new StudyPlanException(at + ": 'distance': " + e.getMessage());
      }
      float temperature = a.temperature() != null ? a.temperature() : 4f;
      require(temperature > 0, at + ": 'temperature' must be positive");
      arms.add(new Arm(a.name(), a.kind(), dataset, teacher, List.copyOf(a.learningRates()), List.copyOf(epochs), List.copyOf(weights),
          distance, temperature, a.description() != null ? a.description().strip() : ""));
    }
    return new StudyPlan(raw.name() != null ? raw.name() : file.getFileName().toString(), datasets,
        base.resolve(raw.work() != null ? raw.work() : "work/study").normalize(),
        base.resolve(raw.output() != null ? raw.output() : "study-output").normalize(),
        List.copyOf(raw.seeds()), input, budget, List.copyOf(arms));
  }

  private static int or(Integer value, int otherwise) {
    return value != null ? value : otherwise;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new StudyPlanException(message);
    }
  }

  public Arm arm(String name) {
    return arms.stream().filter(a -> a.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no arm " + name));
  }
}
