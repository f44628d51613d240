package io.actionstream.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time this JVM spent over an interval, split by the part of the inference path each thread
 * belongs to (told by its name). Read in-process from the JVM, so measuring takes no CPU from
 * what it measures. The JIT compilers and the garbage collector are not Java threads: they are
 * the process's total minus all Java threads.
 */
record CpuUse(Map<String, Long> nanosByPart, long processNanos, long wallNanos) {

  static final String ONNX_RUNTIME = "ONNX Runtime";
  static final String STREAM_THREADS = "stream threads (validation, decoding, clips, stores)";
  static final String PRODUCERS = "stream threads' producers (events, changelogs)";
  static final String BATCHING = "batch gathering";
  static final String BROKER = "embedded broker";
  static final String OTHER = "other Java threads (consumers' background threads, metrics, this benchmark)";
  static final String JVM = "JVM (JIT compilers, garbage collector)";

  CpuUse {
    nanosByPart = Map.copyOf(nanosByPart);
  }

  /** CPU used so far, by part, with the process total and the wall-clock time. */
  static CpuUse now() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> byPart = new LinkedHashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue; // ended since the list was taken
      }
      long nanos = threads.getThreadCpuTime(info.getThreadId());
      if (nanos > 0) {
        byPart.merge(part(info.getThreadName()), nanos, Long::sum);
      }
    }
    long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    return new CpuUse(byPart, process, System.nanoTime());
  }

  /** What was used between {@code earlier} and this; threads that ended in between are not counted. */
  CpuUse since(CpuUse earlier) {
    Map<String, Long> byPart = new LinkedHashMap<>();
    nanosByPart.forEach((part, nanos) -> byPart.put(part, Math.max(0, nanos - earlier.nanosByPart.getOrDefault(part, 0L))));
    long javaThreads = byPart.values().stream().mapToLong(Long::longValue).sum();
    long process = processNanos - earlier.processNanos;
    byPart.put(JVM, Math.max(0, process - javaThreads));
    return new CpuUse(byPart, process, wallNanos - earlier.wallNanos);
  }

  /** Cores' worth of CPU a part used over the interval. */
  double cores(String part) {
    return nanosByPart.getOrDefault(part, 0L) / (double) wallNanos;
  }

  double totalCores() {
    return processNanos / (double) wallNanos;
  }

  static String part(String thread) {
    if (thread.startsWith("onnx-runtime-")) {
      return ONNX_RUNTIME;
    }
    if (thread.startsWith("inference-batcher-")) {
      return BATCHING;
    }
    if (thread.startsWith("kafka-producer-network-thread") && thread.contains("StreamThread")) {
      return PRODUCERS;
    }
    if (thread.contains("-StreamThread-")) {
      return STREAM_THREADS;
    }
    if (thread.startsWith("kafka-producer-network-thread") || thread.startsWith("kafka-coordinator-heartbeat")
        || thread.startsWith("kafka-admin-client") || thread.startsWith("consumer_background")) {
      return OTHER;
    }
    if (thread.startsWith("data-plane-kafka") || thread.startsWith("kafka-") || thread.startsWith("quorum-controller")
        || thread.startsWith("group-coordinator") || thread.startsWith("TxnMarkerSender") || thread.startsWith("broker-")
        || thread.startsWith("ExpirationReaper") || thread.startsWith("log-closing") || thread.startsWith("controller-")
        || thread.startsWith("share-") || thread.startsWith("transaction-")) {
      return BROKER;
    }
    return OTHER;
  }
}
