package io.actionstream.model.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** Runs a test's raw ONNX Runtime calls on a thread with the stack ORT needs to load a graph, as StudentModel's threads have. */
final class LargeStack {

  private LargeStack() {}

  static <T> T call(Callable<T> work) throws Exception {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread thread = new Thread(null, () -> {
      try {
        result.set(work.call());
      } catch (Exception e) {
        failure.set(e);
      }
    }, "ort", 64L << 20);
    thread.start();
    thread.join();
    if (failure.get() != null) {
      throw failure.get();
    }
    return result.get();
  }
}
