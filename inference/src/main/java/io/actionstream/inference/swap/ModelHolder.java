package io.actionstream.inference.swap;

import io.actionstream.inference.model.StudentModel;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The student in service and the one about to replace it. A new model, already checked and
 * warmed up, is {@linkplain #offer offered}; the batching thread takes it at its next batch
 * boundary ({@link #forBatch}), so a batch in flight finishes on the old model, which is then
 * closed. Everyone else reads {@link #current} (for its spec: clip length, frame size).
 */
public final class ModelHolder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ModelHolder.class);

  private final AtomicReference<StudentModel> current;
  private final AtomicReference<StudentModel> offered = new AtomicReference<>();

  public ModelHolder(StudentModel initial) {
    this.current = new AtomicReference<>(initial);
  }

  /** The model in service, or the one just offered, which will be in service for the next batch. */
  public StudentModel current() {
    StudentModel next = offered.get();
    return next != null ? next : current.get();
  }

  /** Offers a checked model; a model offered earlier and not yet taken is dropped for it. */
  public void offer(StudentModel next) {
    StudentModel dropped = offered.getAndSet(next);
    if (dropped != null) {
      dropped.close();
    }
  }

  /** For the batching thread only: swaps in an offered model (closing the old one) and returns the model to run. */
  public StudentModel forBatch() {
    StudentModel next = offered.getAndSet(null);
    if (next != null) {
      StudentModel old = current.getAndSet(next);
      log.info("Model {} {} now serves (was {} {})", next.spec().name(), next.spec().version(), old.spec().name(), old.spec().version());
      old.close();
    }
    return current.get();
  }

  @Override
  public void close() {
    StudentModel next = offered.getAndSet(null);
    if (next != null) {
      next.close();
    }
    current.get().close();
  }
}
