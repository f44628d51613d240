package io.actionstream.cli.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The JVM's garbage-collection pauses while it is open, each with its length, from the
 * collectors' own notifications: a real-time run's latency tail can be one long pause, which the
 * collector's CPU share alone does not show. Concurrent cycles (G1's marking) are not pauses and
 * are left out.
 */
final class GcPauses implements AutoCloseable {

  /** Pauses in a window: how many, the longest and all together, in milliseconds. */
  record Summary(int count, long longestMs, long totalMs) {
    String describe() {
      return String.format(Locale.ROOT, "%d garbage-collection pause(s), the longest %d ms, %d ms in all", count, longestMs, totalMs);
    }
  }

  private record Pause(long endNanos, long millis) {}

  private final List<Pause> pauses = new ArrayList<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onNotification;

  private GcPauses() {}

  /** Starts recording the pauses of every collector. */
  static GcPauses watch() {
    GcPauses watch = new GcPauses();
    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (bean instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(watch.listener, null, null);
        watch.emitters.add(emitter);
      }
    }
    return watch;
  }

  private void onNotification(Notification notification, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    if (info.getGcAction().contains("cycle") || info.getGcName().contains("Concurrent")) {
      return;
    }
    synchronized (pauses) {
      pauses.add(new Pause(System.nanoTime(), info.getGcInfo().getDuration()));
    }
  }

  /** The pauses that ended after {@code fromNanos} ({@link System#nanoTime}). */
  Summary since(long fromNanos) {
    synchronized (pauses) {
      List<Long> millis = pauses.stream().filter(p -> p.endNanos() > fromNanos).map(Pause::millis).toList();
      return new Summary(millis.size(), millis.stream().mapToLong(Long::longValue).max().orElse(0),
          millis.stream().mapToLong(Long::longValue).sum());
    }
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // not there: nothing to remove
      }
    }
  }
}
