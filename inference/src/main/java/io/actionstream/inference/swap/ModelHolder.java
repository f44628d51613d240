package io.actionstream.inference.swap;

import io.actionstream.model.runtime.StudentModel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The student in service and the one about to replace it. A new model, already checked and
 * warmed up, is {@linkplain #offer offered}; a batching worker takes it at its next batch
 * boundary ({@link #forBatch}). Batches hold a {@link Lease} on their model, so batches in flight
 * on other workers finish on the old model, which is closed when the last of them ends.
 * Everyone else reads {@link #current} (for its spec: clip length, frame size).
 */
public final class ModelHolder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ModelHolder.class);

  /** A model and how many hold it: the holder while it serves, plus each batch running on it. */
  private static final class Served {
    final StudentModel model;
    final AtomicInteger holders = new AtomicInteger(1);

    Served(StudentModel model) {
      this.model = model;
    }

    boolean acquire() {
      int n;
      do {
        n = holders.get();
        if (n == 0) {
          return false;
        }
      } while (!holders.compareAndSet(n, n + 1));
      return true;
    }

    void release() {
      if (holders.decrementAndGet() == 0) {
        model.close();
      }
    }
  }

  /** A batch's hold on its model; closing it lets a replaced model close. */
  public static final class Lease implements AutoCloseable {
    private final Served served;

    private Lease(Served served) {
      this.served = served;
    }

    public StudentModel model() {
      return served.model;
    }

    @Override
    public void close() {
      served.release();
    }
  }

  private final AtomicReference<Served> current;
  private final AtomicReference<StudentModel> offered = new AtomicReference<>();

  public ModelHolder(StudentModel initial) {
    this.current = new AtomicReference<>(new Served(initial));
  }

  /** The model in service, or the one just offered, which will be in service for the next batch. */
  public StudentModel current() {
    StudentModel next = offered.get();
    return next != null ? next : current.get().model;
  }

  /** Offers a checked model; a model offered earlier and not yet taken is dropped for it. */
  public void offer(StudentModel next) {
    StudentModel dropped = offered.getAndSet(next);
    if (dropped != null) {
      dropped.close();
    }
  }

  /**
   * For the batching workers: swaps in an offered model (the old one closes once no batch runs
   * on it) and leases the model to run the next batch on.
   */
  public Lease forBatch() {
    while (true) {
      StudentModel next = offered.getAndSet(null);
      if (next != null) {
        Served old = current.getAndSet(new Served(next));
        log.info("Model {} {} now serves (was {} {})", next.spec().name(), next.spec().version(), old.model.spec().name(),
            old.model.spec().version());
        old.release();
      }
      Served served = current.get();
      // fails only when that model was replaced and released in between: take the new one
      if (served.acquire()) {
        return new Lease(served);
      }
    }
  }

  @Override
  public void close() {
    StudentModel next = offered.getAndSet(null);
    if (next != null) {
      next.close();
    }
    current.get().release();
  }
}
