package io.actionstream.training.distill;

import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.ClipWindow;
import io.actionstream.training.dataset.PreparedDataset.Item;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Assembles the batches of one training epoch on a background thread (random order, random
 * windows, flips that also flip labels such as walk left/right), so that cutting and normalizing
 * clips overlaps with the network's step.
 */
final class BatchLoader implements Iterator<Batch>, AutoCloseable {

  private static final Batch END = new Batch(0, null, null, null);

  private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(3);
  private final Thread worker;
  private Batch next;
  private volatile RuntimeException failure;

  BatchLoader(
      List<Item> items, ClipSampler sampler, boolean rgb, boolean flow, int batchSize, Random random,
      java.util.function.IntUnaryOperator flipLabel) {
    List<Item> order = new ArrayList<>(items);
    Collections.shuffle(order, random);
    long seed = random.nextLong();
    worker = new Thread(() -> {
      Random local = new Random(seed);
      ClipSpec spec = sampler.spec();
      int rgbSize = 3 * spec.frames() * spec.size() * spec.size();
      int flowSize = 2 * spec.frames() * spec.size() * spec.size();
      try {
        for (int from = 0; from < order.size(); from += batchSize) {
          int n = Math.min(batchSize, order.size() - from);
          float[] rgbData = rgb ? new float[n * rgbSize] : null;
          float[] flowData = flow ? new float[n * flowSize] : null;
          int[] labels = new int[n];
          for (int i = 0; i < n; i++) {
            Item item = order.get(from + i);
            ClipWindow window = sampler.randomWindow(item.video(), local);
            if (rgb) {
              sampler.rgb(item.video(), window, rgbData, i * rgbSize);
            }
            if (flow) {
              sampler.flow(item.flow(), window, item.video().frames(), flowData, i * flowSize);
            }
            int label = item.sample().label();
            labels[i] = window.flip() ? flipLabel.applyAsInt(label) : label;
          }
          queue.put(new Batch(n, rgbData, flowData, labels));
        }
        queue.put(END);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        failure = e;
        queue.offer(END);
      }
    }, "batch-loader");
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while loading clips", e);
      }
    }
    if (failure != null) {
      throw new IllegalStateException("loading clips failed: " + failure.getMessage(), failure);
    }
    return next != END;
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Batch batch = next;
    next = null;
    return batch;
  }

  @Override
  public void close() {
    worker.interrupt();
  }
}
