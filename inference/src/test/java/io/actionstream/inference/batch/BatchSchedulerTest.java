package io.actionstream.inference.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.inference.image.FramePixels;
import io.actionstream.inference.metrics.InferenceMetrics;
import io.actionstream.inference.swap.ModelHolder;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.model.runtime.NetworkPriority;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.model.runtime.TinyOnnx;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

class BatchSchedulerTest {

  /**
   * The tiny model's logits are its input's channel means, so a clip whose red pixels are {@code
   * i} (blue and green 0) must come back with exactly its own probabilities whichever batch,
   * position and worker it ran in.
   */
  @Test
  void everyClipGetsItsOwnAnswerWhileWorkersRunBatchesSideBySide() throws Exception {
    try (ModelHolder models = new ModelHolder(served());
        BatchScheduler scheduler = new BatchScheduler(models, 4, Duration.ofMillis(2), new InferenceMetrics(new PrometheusRegistry()))) {
      ModelSpec spec = models.current().spec();
      int clips = 300;
      AtomicReferenceArray<CompletableFuture<ClipInference>> answers = new AtomicReferenceArray<>(clips);
      List<Thread> submitters = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int from = t * clips / 3;
        int to = (t + 1) * clips / 3;
        // like stream threads: each prepares its clips and submits them without waiting
        submitters.add(new Thread(() -> {
          for (int i = from; i < to; i++) {
            answers.set(i, scheduler.submit(new ClipInput(List.of(), red(spec, i), spec)));
          }
        }));
      }
      submitters.forEach(Thread::start);
      for (Thread submitter : submitters) {
        submitter.join();
      }
      for (int i = 0; i < clips; i++) {
        ClipInference answer = answers.get(i).get(30, TimeUnit.SECONDS);
        float[] expected = BatchScheduler.softmax(new float[] {normalized(spec, 0, i), normalized(spec, 1, 0), normalized(spec, 2, 0)}, 0, 3);
        assertThat(answer.probabilities()).as("clip %d", i).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(answer.batchSize()).isBetween(1, 4);
        ClipTiming timing = answer.timing();
        assertThat(timing.submittedUs()).as("clip %d handed over before its batch started", i).isLessThanOrEqualTo(timing.startedUs());
        assertThat(timing.answeredUs() - timing.startedUs()).as("clip %d's batch, microseconds", i)
            .isBetween((long) (1000 * answer.batchMillis()) - 1000, (long) (1000 * answer.batchMillis()) + 1000);
      }
    }
  }

  @Test
  void closingAnswersEveryWaitingClipOneWayOrTheOther() throws Exception {
    List<CompletableFuture<ClipInference>> answers = new ArrayList<>();
    try (ModelHolder models = new ModelHolder(served())) {
      BatchScheduler scheduler = new BatchScheduler(models, 2, Duration.ofMillis(50), new InferenceMetrics(new PrometheusRegistry()));
      ModelSpec spec = models.current().spec();
      for (int i = 0; i < 50; i++) {
        answers.add(scheduler.submit(new ClipInput(List.of(), red(spec, i), spec)));
      }
      scheduler.close();
    }
    for (CompletableFuture<ClipInference> answer : answers) {
      assertThat(answer).as("no clip is left waiting forever").isDone();
      if (answer.isCompletedExceptionally()) {
        try {
          answer.get();
        } catch (ExecutionException e) {
          assertThat(e.getCause()).hasMessageContaining("stopped");
        }
      }
    }
  }

  /**
   * Cameras in the network's process hold frames until the network is idle: the wait must last
   * until every clip handed over has its answer, and end then rather than at its deadline.
   */
  @Test
  void waitingForTheNetworkToBeIdleEndsWithTheLastAnswer() throws Exception {
    try (ModelHolder models = new ModelHolder(served());
        BatchScheduler scheduler = new BatchScheduler(models, 4, Duration.ofMillis(2), new InferenceMetrics(new PrometheusRegistry()))) {
      ModelSpec spec = models.current().spec();
      List<CompletableFuture<ClipInference>> answers = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        answers.add(scheduler.submit(new ClipInput(List.of(), red(spec, i), spec)));
      }
      long start = System.nanoTime();
      scheduler.awaitIdle(start + TimeUnit.SECONDS.toNanos(60));
      long waitedMs = (System.nanoTime() - start) / 1_000_000;

      assertThat(answers).as("every clip answered when the wait ended").allMatch(CompletableFuture::isDone);
      assertThat(scheduler.idle()).isTrue();
      assertThat(waitedMs).as("ended with the last answer, not at the deadline").isLessThan(30_000);
      long again = System.nanoTime();
      scheduler.awaitIdle(again + TimeUnit.SECONDS.toNanos(60));
      assertThat((System.nanoTime() - again) / 1_000_000).as("an idle network holds nothing").isLessThan(1_000);
    }
  }

  @Test
  void aBurstIsSharedEvenlyBetweenTheRunsAndALoneClipRunsAlone() {
    assertThat(BatchScheduler.share(1, 2, 8)).as("a lone clip").isEqualTo(1);
    assertThat(BatchScheduler.share(20, 2, 8)).as("a burst larger than two batches").isEqualTo(8);
    assertThat(BatchScheduler.share(12, 2, 8)).as("what is left of it: half each").isEqualTo(6);
    assertThat(BatchScheduler.share(7, 2, 8)).isEqualTo(4);
    assertThat(BatchScheduler.share(5, 1, 8)).as("one run takes all, up to the batch size").isEqualTo(5);
    assertThat(BatchScheduler.share(3, 4, 8)).isEqualTo(1);
  }

  /** On the CPU (several runs side by side) a clip must not wait for others to fill its batch. */
  @Test
  void onTheCpuALoneClipIsNotHeldBackForItsBatchToFill() throws Exception {
    try (ModelHolder models = new ModelHolder(served());
        BatchScheduler scheduler = new BatchScheduler(models, 8, Duration.ofSeconds(10), new InferenceMetrics(new PrometheusRegistry()))) {
      org.junit.jupiter.api.Assumptions.assumeTrue(models.current().parallelRuns() > 1,
          "needs 2 or more cores: with one, the model runs one batch at a time and batches wait to fill");
      ModelSpec spec = models.current().spec();
      ClipInference answer = scheduler.submit(new ClipInput(List.of(), red(spec, 0), spec)).get(5, TimeUnit.SECONDS);
      assertThat(answer.batchSize()).isEqualTo(1);
    }
  }

  /**
   * On the CPU a batch bigger than one ONNX Runtime call would only run as calls one after another,
   * its first clips answered with its last: a burst must go out as batches of one call each.
   */
  @Test
  void onTheCpuABurstRunsInBatchesOfOneOnnxRuntimeCallEach() throws Exception {
    try (ModelHolder models = new ModelHolder(served());
        BatchScheduler scheduler = new BatchScheduler(models, 8, Duration.ofSeconds(10), new InferenceMetrics(new PrometheusRegistry()))) {
      StudentModel model = models.current();
      org.junit.jupiter.api.Assumptions.assumeTrue(model.parallelRuns() > 1,
          "needs 2 or more cores: with one, the model runs one batch at a time and batches wait to fill");
      assertThat(model.runClips()).as("one call on the CPU takes fewer clips than the batch size").isLessThan(8);
      ModelSpec spec = model.spec();
      List<CompletableFuture<ClipInference>> answers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        answers.add(scheduler.submit(new ClipInput(List.of(), red(spec, i), spec)));
      }
      for (int i = 0; i < answers.size(); i++) {
        ClipInference answer = answers.get(i).get(30, TimeUnit.SECONDS);
        assertThat(answer.batchSize()).as("clip %d", i).isBetween(1, model.runClips());
        float[] expected = BatchScheduler.softmax(new float[] {normalized(spec, 0, i), normalized(spec, 1, 0), normalized(spec, 2, 0)}, 0, 3);
        assertThat(answer.probabilities()).as("clip %d", i).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  /**
   * The workers hand the network its clips one call at a time and take its answers: at the
   * process's priority they would wait for a core behind the camera and stream threads while the
   * network's own threads, which run ahead of those, stand idle.
   */
  @Test
  void theWorkersRunAtTheNetworksPriority() throws Exception {
    StudentModel model = StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CPU, "tiny.onnx", StudentModel.Feed.PIXELS,
        NetworkPriority.NICE);
    java.util.Map<String, Integer> before = niceOfThreadsNamed("inference-batch"); // the kernel keeps 15 characters of a name
    try (ModelHolder models = new ModelHolder(model);
        BatchScheduler scheduler = new BatchScheduler(models, 8, Duration.ofMillis(2), new InferenceMetrics(new PrometheusRegistry()))) {
      int network = model.threadScheduling().orElseThrow().nice();
      org.junit.jupiter.api.Assumptions.assumeTrue(network < 0,
          "needs a process that may raise its threads' priority (root or CAP_SYS_NICE); the network's threads run at nice " + network);
      ModelSpec spec = model.spec();
      scheduler.submit(new ClipInput(List.of(), red(spec, 1), spec)).get(30, TimeUnit.SECONDS);
      // one worker answered; another may not yet have been on a core to take its name and priority
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      java.util.Map<String, Integer> workers;
      do {
        workers = niceOfThreadsNamed("inference-batch");
        workers.keySet().removeAll(before.keySet()); // workers of other tests' schedulers that have not ended yet
        if (workers.size() >= 2 && workers.values().stream().allMatch(nice -> nice == network)) {
          break;
        }
        Thread.sleep(20);
      } while (System.nanoTime() < deadline);
      assertThat(workers.values()).as("nice values of this scheduler's batching workers").hasSizeGreaterThanOrEqualTo(2)
          .containsOnly(network);
    }
  }

  /** Nice values of this process's threads whose kernel name starts with {@code prefix}, by thread id. */
  private static java.util.Map<String, Integer> niceOfThreadsNamed(String prefix) throws java.io.IOException {
    java.util.Map<String, Integer> nice = new java.util.HashMap<>();
    try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
      for (java.nio.file.Path task : tasks.toList()) {
        try {
          if (java.nio.file.Files.readString(task.resolve("comm")).startsWith(prefix)) {
            String stat = java.nio.file.Files.readString(task.resolve("stat"));
            // after the name's closing parenthesis: state is field 3, nice field 19
            nice.put(task.getFileName().toString(), Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ")[16]));
          }
        } catch (java.nio.file.NoSuchFileException gone) {
          // a thread that ended while the list was read
        }
      }
    }
    return nice;
  }

  /** The tiny model as serving loads it: fed pixels. */
  private static StudentModel served() throws Exception {
    return StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CPU, "tiny.onnx", StudentModel.Feed.PIXELS);
  }

  /** A clip's prepared frames (BGR) whose red pixels are {@code value % 256}, blue and green 0. */
  private static List<FramePixels> red(ModelSpec spec, int value) {
    List<FramePixels> frames = new ArrayList<>();
    for (int k = 0; k < spec.frames(); k++) {
      byte[] frame = new byte[spec.height() * spec.width() * 3];
      for (int p = 2; p < frame.length; p += 3) {
        frame[p] = (byte) value;
      }
      frames.add(new FramePixels.Prepared(frame));
    }
    return frames;
  }

  /** Channel {@code c} (RGB) of pixel value {@code value % 256}, as the network sees it. */
  private static float normalized(ModelSpec spec, int c, int value) {
    return (value & 0xFF) * ClipPreprocessor.scale(spec, c) - ClipPreprocessor.shift(spec, c);
  }
}
