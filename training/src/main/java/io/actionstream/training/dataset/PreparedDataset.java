package io.actionstream.training.dataset;

import io.actionstream.training.flow.FlowCache;
import io.actionstream.training.flow.FlowField;
import io.actionstream.training.report.Progress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data set made ready for training: every video decoded (and its optical flow computed, when
 * a flow cache is given), corrupt videos skipped and listed, and a validation split carved out
 * of the training list (whole recording groups, chosen by seed, about a fixed share of the clips)
 * for checkpoints and the quality gate. The test list is left untouched for the final report.
 */
public final class PreparedDataset {

  private static final Logger log = LoggerFactory.getLogger(PreparedDataset.class);
  /** More undecodable videos than this share means the folder is broken, not a few files. */
  private static final double MAX_CORRUPT_SHARE = 0.10;

  /** A usable video: its sample, decoded frames and (if computed) flow. */
  public record Item(VideoSample sample, DecodedVideo video, FlowField flow) {}

  /** A listed video that could not be decoded. */
  public record Skipped(String name, String reason) {}

  private final VideoDataset dataset;
  private final List<Item> train;
  private final List<Item> validation;
  private final List<Item> test;
  private final List<Skipped> skipped;

  private PreparedDataset(VideoDataset dataset, List<Item> train, List<Item> validation, List<Item> test, List<Skipped> skipped) {
    this.dataset = dataset;
    this.train = List.copyOf(train);
    this.validation = List.copyOf(validation);
    this.test = List.copyOf(test);
    this.skipped = List.copyOf(skipped);
  }

  /**
   * Decodes (and computes flow for) every video of {@code dataset} with {@code threads}
   * threads, keeping {@code validationShare} of each training class aside.
   */
  public static PreparedDataset prepare(
      VideoDataset dataset, FrameCache frames, FlowCache flows, double validationShare, long seed, int threads) {
    List<VideoSample> all = new ArrayList<>(dataset.train());
    all.addAll(dataset.test());
    List<Item> items = new ArrayList<>(Collections.nCopies(all.size(), null));
    List<Skipped> skipped = Collections.synchronizedList(new ArrayList<>());
    String task = flows != null ? "Decoding + " + flows.method().label() + " flow" : "Decoding";
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try (ProgressBar bar = Progress.bar(task, all.size())) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          VideoSample sample = all.get(index);
          try {
            DecodedVideo video = frames.load(sample);
            FlowField flow = flows != null ? flows.load(frames.keyOf(sample), video) : null;
            items.set(index, new Item(sample, video, flow));
          } catch (CorruptVideoException e) {
            skipped.add(new Skipped(sample.name(), e.getMessage()));
            log.warn("Skipping {}", e.getMessage());
          }
          bar.step();
        }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while preparing the data set", e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
    }
    if (skipped.size() > MAX_CORRUPT_SHARE * all.size()) {
      throw new DatasetException(
          skipped.size() + " of " + all.size() + " videos in " + dataset.root()
              + " cannot be decoded (more than " + Math.round(MAX_CORRUPT_SHARE * 100) + "%), e.g. "
              + skipped.subList(0, Math.min(3, skipped.size())).stream().map(Skipped::reason).toList());
    }
    List<Item> trainItems = new ArrayList<>();
    List<Item> testItems = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (items.get(i) != null) {
        (i < dataset.train().size() ? trainItems : testItems).add(items.get(i));
      }
    }
    List<Item> validation = new ArrayList<>();
    List<Item> train = new ArrayList<>();
    splitByGroup(trainItems, validationShare, seed, train, validation);
    if (train.isEmpty() || testItems.isEmpty()) {
      throw new DatasetException(dataset.root() + ": no decodable " + (train.isEmpty() ? "training" : "test") + " videos");
    }
    log.info(
        "Data set {} ({}): {} classes, {} train, {} validation, {} test clips; {} skipped",
        dataset.root(), dataset.layout(), dataset.classes().size(), train.size(), validation.size(), testItems.size(), skipped.size());
    return new PreparedDataset(dataset, train, validation, testItems, skipped);
  }

  /**
   * Holds out whole recording groups ({@link VideoSample#group()}), in an order the seed decides,
   * until {@code share} of the clips are held out: no group has clips on both sides, so
   * validation never sees the actors and scenes training saw (on UCF101 a per-clip split would
   * put clips of one recording on both sides and flatter validation).
   */
  static void splitByGroup(List<Item> items, double share, long seed, List<Item> train, List<Item> validation) {
    List<String> groups = new ArrayList<>(new java.util.TreeSet<>(items.stream().map(i -> i.sample().group()).toList()));
    Collections.shuffle(groups, new Random(seed));
    java.util.Set<String> held = new java.util.HashSet<>();
    long target = Math.round(items.size() * share);
    long heldClips = 0;
    for (String group : groups) {
      if (heldClips >= target || held.size() == groups.size() - 1) {
        break;
      }
      held.add(group);
      heldClips += items.stream().filter(i -> i.sample().group().equals(group)).count();
    }
    for (Item item : items) {
      (held.contains(item.sample().group()) ? validation : train).add(item);
    }
  }

  public VideoDataset dataset() {
    return dataset;
  }

  public List<String> classes() {
    return dataset.classes();
  }

  public List<Item> train() {
    return train;
  }

  public List<Item> validation() {
    return validation;
  }

  public List<Item> test() {
    return test;
  }

  /**
   * The same data without its test split: what a study's training and selection get, so that no
   * code path of theirs can read a test clip.
   */
  public PreparedDataset withoutTest() {
    return new PreparedDataset(dataset, train, validation, List.of(), skipped);
  }

  public List<Skipped> skipped() {
    return skipped;
  }
}
