package io.actionstream.model.clip;

/**
 * How cameras that share a process with the network put off the frames that complete no clip
 * while the network has clips to work on. Every core the network waits for in a burst delays its
 * last clips, and every frame ahead of a clip's last one on the way in delays that clip; the
 * frames that only begin the next clips are not needed for a while, so a camera holds them until
 * the network is idle (or until they would hold up their own clip), and the frames that complete
 * clips go at once. Implemented by the inference; an ingest in a process of its own has none.
 */
public interface FrameDeferral {

  /** The clips the network cuts from each camera's frames. */
  ClipCadence cadence();

  /**
   * Returns once the network has no clip waiting or running, or at {@code deadlineNanos} (on
   * {@link System#nanoTime()}'s clock), whichever comes first.
   */
  void awaitIdleNetwork(long deadlineNanos) throws InterruptedException;
}
