package io.actionstream.inference.batch;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clip tensors (2.4 MB each at 16x112x112) handed back once a batching worker has copied them
 * into its batch, so that a busy pipeline reuses a few arrays instead of allocating one per clip.
 * Stream threads take, the batching workers give back; a tensor of another size (a model with a
 * different input) is simply dropped.
 */
final class TensorPool {

  private final ConcurrentLinkedQueue<float[]> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;

  TensorPool(int capacity) {
    this.capacity = capacity;
  }

  /** A tensor of {@code values} floats, reused if one is free; its contents are whatever was there. */
  float[] take(int values) {
    float[] tensor;
    while ((tensor = free.poll()) != null) {
      size.decrementAndGet();
      if (tensor.length == values) {
        return tensor;
      }
    }
    return new float[values];
  }

  /** Hands a tensor back; nobody may use it afterwards. */
  void give(float[] tensor) {
    if (size.incrementAndGet() <= capacity) {
      free.offer(tensor);
    } else {
      size.decrementAndGet();
    }
  }

  int free() {
    return size.get();
  }
}
