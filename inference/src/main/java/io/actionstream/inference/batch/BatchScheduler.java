package io.actionstream.inference.batch;

import io.actionstream.inference.image.FramePreprocessor;
import io.actionstream.inference.metrics.InferenceMetrics;
import io.actionstream.inference.model.ModelSpec;
import io.actionstream.inference.model.StudentModel;
import io.actionstream.inference.swap.ModelHolder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the student on batches of clips gathered from every stream thread and task: the first
 * waiting clip opens a batch, which closes when it holds {@code maxBatch} clips or {@code maxWait}
 * has passed, so that a GPU is fed full batches while a quiet system still answers quickly. One
 * batching thread; results come back as futures.
 */
public final class BatchScheduler implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BatchScheduler.class);

  private record Request(ClipInput clip, CompletableFuture<ClipInference> result) {}

  private static final Request STOP = new Request(null, null);

  private final ModelHolder models;
  private final int maxBatch;
  private final long maxWaitNanos;
  private final InferenceMetrics metrics;
  private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final Thread worker;
  private final FramePreprocessor preprocessor = new FramePreprocessor();
  private float[] batch = new float[0];
  private final TensorPool tensors;

  public BatchScheduler(ModelHolder models, int maxBatch, Duration maxWait, InferenceMetrics metrics) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("the batch size must be at least 1");
    }
    this.models = models;
    this.maxBatch = maxBatch;
    this.maxWaitNanos = maxWait.toNanos();
    this.metrics = metrics;
    // enough for the clips of a full batch being prepared while the previous one runs
    this.tensors = new TensorPool(2 * maxBatch);
    this.worker = new Thread(this::work, "inference-batcher");
    worker.setDaemon(true);
    worker.start();
  }

  /**
   * A clip tensor of {@code values} floats to prepare and {@link #submit}; arrays come back to a
   * pool once copied into a batch, so its contents are stale and must be overwritten whole.
   */
  public float[] tensor(int values) {
    return tensors.take(values);
  }

  public CompletableFuture<ClipInference> submit(ClipInput clip) {
    CompletableFuture<ClipInference> result = new CompletableFuture<>();
    queue.add(new Request(clip, result));
    return result;
  }

  private void work() {
    List<Request> requests = new ArrayList<>(maxBatch);
    try {
      while (true) {
        Request first = queue.take();
        if (first == STOP) {
          return;
        }
        requests.add(first);
        long deadline = System.nanoTime() + maxWaitNanos;
        boolean stop = false;
        while (requests.size() < maxBatch) {
          long left = deadline - System.nanoTime();
          Request next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          if (next == STOP) {
            stop = true;
            break;
          }
          requests.add(next);
        }
        run(requests);
        requests.clear();
        if (stop) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      for (Request r : requests) {
        r.result().completeExceptionally(new IllegalStateException("the inference was stopped"));
      }
      Request left;
      while ((left = queue.poll()) != null) {
        if (left != STOP) {
          left.result().completeExceptionally(new IllegalStateException("the inference was stopped"));
        }
      }
    }
  }

  private void run(List<Request> requests) {
    StudentModel model = models.forBatch();
    ModelSpec spec = model.spec();
    int n = requests.size();
    int per = spec.clipValues();
    if (batch.length < n * per) {
      batch = new float[maxBatch * per];
    }
    List<Request> runnable = new ArrayList<>(n);
    for (Request request : requests) {
      try {
        fill(request.clip(), spec, runnable.size() * per);
        runnable.add(request);
      } catch (RuntimeException e) {
        request.result().completeExceptionally(e);
      }
    }
    if (runnable.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    try {
      StudentModel.Output out = model.run(batch, runnable.size());
      double millis = (System.nanoTime() - start) / 1e6;
      metrics.batch(runnable.size(), millis / 1000);
      int classes = spec.labels().size();
      int mapSize = spec.mapSize();
      for (int i = 0; i < runnable.size(); i++) {
        float[] attention = new float[mapSize];
        System.arraycopy(out.attention(), i * mapSize, attention, 0, mapSize);
        runnable.get(i).result().complete(new ClipInference(
            softmax(out.logits(), i * classes, classes), attention, spec, model.provider(), millis, runnable.size()));
      }
    } catch (RuntimeException e) {
      log.error("A batch of {} clips failed: {}", runnable.size(), e.getMessage());
      runnable.forEach(r -> r.result().completeExceptionally(e));
    }
  }

  /** Puts a clip's tensor into the batch, preparing it again if the model's input changed. */
  private void fill(ClipInput clip, ModelSpec spec, int offset) {
    int per = spec.clipValues();
    if (clip.tensor() != null && spec.sameInputAs(clip.preparedFor())) {
      System.arraycopy(clip.tensor(), 0, batch, offset, per);
      tensors.give(clip.tensor());
      return;
    }
    int available = clip.frames().size();
    for (int k = 0; k < spec.frames(); k++) {
      // a clip of another length: take frames evenly spread over it
      int source = (int) Math.min(available - 1, Math.round((double) k * (available - 1) / Math.max(1, spec.frames() - 1)));
      preprocessor.write(clip.frames().get(source), spec, batch, offset, k);
    }
  }

  static float[] softmax(float[] logits, int offset, int length) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < length; i++) {
      max = Math.max(max, logits[offset + i]);
    }
    float[] out = new float[length];
    double sum = 0;
    for (int i = 0; i < length; i++) {
      out[i] = (float) Math.exp(logits[offset + i] - max);
      sum += out[i];
    }
    for (int i = 0; i < length; i++) {
      out[i] /= (float) sum;
    }
    return out;
  }

  @Override
  public void close() {
    queue.add(STOP);
    try {
      worker.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    preprocessor.close();
  }
}
