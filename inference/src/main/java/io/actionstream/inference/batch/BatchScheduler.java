package io.actionstream.inference.batch;

import io.actionstream.inference.metrics.InferenceMetrics;
import io.actionstream.inference.swap.ModelHolder;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.model.frame.CaptureClock;
import io.actionstream.model.runtime.StudentModel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the student on batches of clips gathered from every stream thread and task, sized by the
 * work waiting: on the CPU a batch takes its even share of the waiting clips (up to {@code
 * maxBatch} and one ONNX Runtime call's clips) and runs at once; on a GPU the first waiting clip
 * opens a batch, which closes when it holds {@code maxBatch} clips or {@code maxWait} has passed,
 * so that the GPU is fed full batches while a quiet system still answers quickly. Results come
 * back as futures, with when each clip was handed over, started and answered.
 *
 * <p>Several workers (as many as the model runs batches at once, and at least two) take turns to
 * gather a batch, one at a time so batches fill, then run it while the next worker gathers: on
 * the CPU the batches run side by side, on a GPU the next batch is ready when the last one ends.
 * Each worker copies its clips' prepared pixels into its own native batch buffer, which ONNX
 * Runtime reads in place and normalizes (the model is loaded fed {@link StudentModel.Feed#PIXELS}).
 */
public final class BatchScheduler implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BatchScheduler.class);

  private record Request(ClipInput clip, CompletableFuture<ClipInference> result, long submittedUs) {}

  private static final Request STOP = new Request(null, null, 0);

  private final ModelHolder models;
  private final int maxBatch;
  private final long maxWaitNanos;
  private final InferenceMetrics metrics;
  private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  /** Held while a worker gathers a batch. */
  private final Object gathering = new Object();
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicInteger running = new AtomicInteger();
  /** Clips handed over and not yet answered. */
  private final AtomicInteger withTheNetwork = new AtomicInteger();
  /** Signalled whenever the network's last clip is answered. */
  private final ReentrantLock idleLock = new ReentrantLock();
  private final Condition becameIdle = idleLock.newCondition();

  public BatchScheduler(ModelHolder models, int maxBatch, Duration maxWait, InferenceMetrics metrics) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("the batch size must be at least 1");
    }
    this.models = models;
    this.maxBatch = maxBatch;
    this.maxWaitNanos = maxWait.toNanos();
    this.metrics = metrics;
    int count = Math.max(2, models.current().parallelRuns());
    for (int i = 1; i <= count; i++) {
      Thread worker = new Thread(this::work, "inference-batcher-" + i);
      worker.setDaemon(true);
      workers.add(worker);
    }
    running.set(count);
    workers.forEach(Thread::start);
  }

  public CompletableFuture<ClipInference> submit(ClipInput clip) {
    CompletableFuture<ClipInference> result = new CompletableFuture<>();
    withTheNetwork.incrementAndGet();
    result.whenComplete((inference, failure) -> {
      if (withTheNetwork.decrementAndGet() == 0) {
        signalIdle();
      }
    });
    queue.add(new Request(clip, result, CaptureClock.nowMicros()));
    return result;
  }

  /** Whether no clip, of any stream thread, is waiting for the network or in it. */
  public boolean idle() {
    return withTheNetwork.get() == 0;
  }

  /**
   * Returns once no clip is waiting for the network or in it, or at {@code deadlineNanos} (on
   * {@link System#nanoTime()}'s clock).
   */
  public void awaitIdle(long deadlineNanos) throws InterruptedException {
    if (idle()) {
      return;
    }
    idleLock.lock();
    try {
      long left;
      while (!idle() && (left = deadlineNanos - System.nanoTime()) > 0) {
        becameIdle.awaitNanos(left);
      }
    } finally {
      idleLock.unlock();
    }
  }

  private void signalIdle() {
    idleLock.lock();
    try {
      becameIdle.signalAll();
    } finally {
      idleLock.unlock();
    }
  }

  private void work() {
    // a worker hands the network its next clip and takes its answers: waiting for a core behind
    // the work that can wait would keep the network's own threads idle in a burst
    models.current().priority().applyToCurrentThread();
    List<Request> requests = new ArrayList<>(maxBatch);
    try (ClipPreprocessor preprocessor = new ClipPreprocessor()) {
      ByteBuffer batch = null;
      boolean stop = false;
      while (!stop) {
        synchronized (gathering) {
          stop = gather(requests);
        }
        if (!requests.isEmpty()) {
          batch = run(requests, batch, preprocessor);
          requests.clear();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      for (Request r : requests) {
        r.result().completeExceptionally(new IllegalStateException("the inference was stopped"));
      }
      // the last worker out fails what is left; before that, the others need their stop markers
      if (running.decrementAndGet() == 0) {
        Request left;
        while ((left = queue.poll()) != null) {
          if (left != STOP) {
            left.result().completeExceptionally(new IllegalStateException("the inference was stopped"));
          }
        }
      }
    }
  }

  /**
   * Waits for a first clip, then gathers its batch; true on stop. When the model runs several
   * batches at once (the CPU), a clip costs about the same in any batch, so waiting for a batch
   * to fill would only delay it: the batch takes its share of the clips waiting now ({@link
   * #share}), at most what one ONNX Runtime call takes ({@link StudentModel#runClips}: a bigger
   * batch runs as calls one after another, its first clips answered only with its last), and
   * runs. When it runs one at a time (a GPU), bigger batches are nearly free, so the batch waits
   * up to {@code maxWait} to fill.
   */
  private boolean gather(List<Request> requests) throws InterruptedException {
    Request first = queue.take();
    if (first == STOP) {
      return true;
    }
    requests.add(first);
    StudentModel model = models.current();
    int runs = model.parallelRuns();
    int size = runs > 1 ? share(1 + queue.size(), runs, Math.min(maxBatch, model.runClips())) : maxBatch;
    long deadline = System.nanoTime() + (runs > 1 ? 0 : maxWaitNanos);
    while (requests.size() < size) {
      long left = deadline - System.nanoTime();
      Request next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
      if (next == null) {
        return false;
      }
      if (next == STOP) {
        return true;
      }
      requests.add(next);
    }
    return false;
  }

  /**
   * The batch size for {@code waiting} clips shared by {@code runs} side-by-side runs: an even
   * share, at most {@code maxBatch}. A burst of clips is spread over all cores at once instead of
   * filling one batch after another (with 20 clips and batches of 8 on two cores, the last 4 ran
   * alone on one core while the other stood idle); a lone clip runs at once, alone.
   */
  static int share(int waiting, int runs, int maxBatch) {
    return Math.min(maxBatch, Math.max(1, (waiting + runs - 1) / runs));
  }

  /** Runs a batch in {@code batch} (or a bigger buffer when it is too small, which it returns). */
  private ByteBuffer run(List<Request> requests, ByteBuffer batch, ClipPreprocessor preprocessor) {
    try (ModelHolder.Lease lease = models.forBatch()) {
      StudentModel model = lease.model();
      ModelSpec spec = model.spec();
      int n = requests.size();
      int per = spec.clipValues();
      if (batch == null || batch.capacity() < n * per) {
        batch = ByteBuffer.allocateDirect(maxBatch * per);
      }
      List<Request> runnable = new ArrayList<>(n);
      for (Request request : requests) {
        try {
          fill(request.clip(), spec, batch, runnable.size() * per, preprocessor);
          runnable.add(request);
        } catch (RuntimeException e) {
          request.result().completeExceptionally(e);
        }
      }
      if (!runnable.isEmpty()) {
        runOn(model, batch, runnable);
      }
      return batch;
    }
  }

  private void runOn(StudentModel model, ByteBuffer batch, List<Request> runnable) {
    ModelSpec spec = model.spec();
    // the answer's time is the start's plus the monotonic clock's elapsed time: two readings of
    // the wall clock could differ from the batch's own time by a preemption between the clocks'
    // readings or a step of the wall clock
    long startedUs = CaptureClock.nowMicros();
    long start = System.nanoTime();
    try {
      StudentModel.Output out = model.run(batch, runnable.size());
      long elapsedNanos = System.nanoTime() - start;
      double millis = elapsedNanos / 1e6;
      long answeredUs = startedUs + elapsedNanos / 1000;
      metrics.batch(runnable.size(), millis / 1000);
      int classes = spec.labels().size();
      int mapSize = spec.mapSize();
      for (int i = 0; i < runnable.size(); i++) {
        float[] attention = new float[mapSize];
        System.arraycopy(out.attention(), i * mapSize, attention, 0, mapSize);
        Request request = runnable.get(i);
        request.result().complete(new ClipInference(softmax(out.logits(), i * classes, classes), attention, spec, model.provider(), millis,
            runnable.size(), new ClipTiming(request.submittedUs(), startedUs, answeredUs)));
      }
    } catch (RuntimeException e) {
      log.error("A batch of {} clips failed: {}", runnable.size(), e.getMessage());
      runnable.forEach(r -> r.result().completeExceptionally(e));
    }
  }

  /** Puts a clip's pixels into the batch ({@code [T, H, W, 3]} at {@code offset}), preparing them again if the model's input changed. */
  private static void fill(ClipInput clip, ModelSpec spec, ByteBuffer batch, int offset, ClipPreprocessor preprocessor) {
    int frameBytes = spec.clipValues() / spec.frames();
    boolean prepared = clip.pixels() != null && spec.sameInputAs(clip.preparedFor());
    int available = clip.frames().size();
    for (int k = 0; k < spec.frames(); k++) {
      if (prepared) {
        clip.pixels().get(k).copyTo(batch, offset + k * frameBytes, preprocessor);
      } else {
        // a clip of another length: take frames evenly spread over it
        int source = (int) Math.min(available - 1, Math.round((double) k * (available - 1) / Math.max(1, spec.frames() - 1)));
        batch.put(offset + k * frameBytes, preprocessor.prepare(clip.frames().get(source), spec), 0, frameBytes);
      }
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
    workers.forEach(w -> queue.add(STOP));
    try {
      for (Thread worker : workers) {
        worker.join(30_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
