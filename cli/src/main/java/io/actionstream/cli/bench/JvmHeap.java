package io.actionstream.cli.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Locale;

/**
 * How the benchmark's JVM sized its heap, for the report's header: the figures of a run depend on
 * it. A heap that starts small grows under the pipeline's load one step at a time, and the threads
 * that allocate into its new regions take the kernel's page faults (round 30: pipeline runs at
 * half speed, the stream threads' and the broker's CPU per clip doubled, in the steps where the
 * heap grew); {@code -Xms} at the size the run needs with {@code -XX:+AlwaysPreTouch} commits and
 * touches it before anything is measured.
 */
record JvmHeap(long initialBytes, long maxBytes, boolean preTouched) {

  static JvmHeap current() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    // outside HotSpot there is no such bean or option, and pre-touching is reported as off
    HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    boolean preTouch = false;
    if (hotSpot != null) {
      try {
        preTouch = Boolean.parseBoolean(hotSpot.getVMOption("AlwaysPreTouch").getValue());
      } catch (IllegalArgumentException e) {
        // a JVM without the option
      }
    }
    return new JvmHeap(heap.getInit(), heap.getMax(), preTouch);
  }

  String describe() {
    return String.format(Locale.ROOT, "JVM heap: %d MiB at start, at most %d MiB, %s.", initialBytes >> 20, maxBytes >> 20,
        preTouched ? "committed and touched at start (-XX:+AlwaysPreTouch)"
            : "its pages faulted in as it grows (no -XX:+AlwaysPreTouch; see the README's round 30)");
  }
}
