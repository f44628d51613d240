package io.actionstream.cli.bench;

import io.actionstream.model.runtime.StudentModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time this JVM spent over an interval, split by the part of the inference path each thread
 * belongs to (told by its name). Read in-process from the JVM, so measuring takes no CPU from
 * what it measures. The JIT compilers and the garbage collector are not Java threads: their CPU
 * is read from {@code /proc/self/task} by the JVM's names for them (Linux; elsewhere they count
 * as the rest of the JVM), and the rest of the JVM is the process's total minus all of these.
 *
 * <p>The threads' names are taken first; their CPU clocks are then read one by one, between two
 * readings of the process's CPU and the wall clock, whose midpoints the reading keeps; {@code
 * readNanos} is how long those clocks took (the longest of the readings an interval is made of).
 * A reading must be quick for the parts and the process to cover the same window: see {@link
 * CpuReader}.
 */
record CpuUse(Map<String, Long> nanosByPart, long processNanos, long wallNanos, long readNanos) {

  static final String ONNX_RUNTIME = "ONNX Runtime";
  static final String STREAM_THREADS = "stream threads (validation, decoding, clips, stores)";
  static final String PRODUCERS = "stream threads' producers (events, changelogs)";
  static final String BATCHING = "batch gathering";
  static final String INGEST = "ingest (camera threads: decode, scale, JPEG encode; FFmpeg's decoder threads; its producer)";
  static final String BROKER = "embedded broker";
  static final String OTHER = "other Java threads (consumers' background threads, metrics, this benchmark)";
  static final String JIT = "JVM: JIT compilers";
  static final String GC = "JVM: garbage collector";
  static final String JVM = "JVM: other (VM thread, safepoints, timers)";
  /** This process's threads, one folder each (Linux). */
  static final Path TASKS = Path.of("/proc/self/task");
  /**
   * A reading whose clocks took longer than this was held up and is taken again, up to {@value
   * #READ_ATTEMPTS} times in all, the quickest kept: over a window of a few seconds on 2 cores, 10
   * ms of skew between the parts and the process is under 0.5% of it.
   */
  private static final long SLOW_READ_NANOS = 10_000_000L;
  private static final int READ_ATTEMPTS = 5;
  /** Length of a clock tick of /proc's CPU times (USER_HZ, 100 on Linux). */
  private static final long TICK_NANOS = 10_000_000L;

  CpuUse {
    nanosByPart = Map.copyOf(nanosByPart);
  }

  /** An interval, or a reading, that took no time to read. */
  CpuUse(Map<String, Long> nanosByPart, long processNanos, long wallNanos) {
    this(nanosByPart, processNanos, wallNanos, 0);
  }

  /**
   * CPU used so far, by part, with the process total and the wall-clock time, read on the calling
   * thread; {@link CpuReader#now()} reads it on a thread that the network cannot starve.
   */
  static CpuUse now() {
    CpuUse quickest = readOnce();
    for (int attempt = 1; attempt < READ_ATTEMPTS && quickest.readNanos > SLOW_READ_NANOS; attempt++) {
      CpuUse again = readOnce();
      if (again.readNanos < quickest.readNanos) {
        quickest = again;
      }
    }
    return quickest;
  }

  /**
   * One reading. Any safepoint the JVM asks for while it runs holds it up until the VM thread, at the
   * process's priority, gets a core beside the network's threads: 64 ms in one of twelve readings
   * in CpuReaderTest's setting, the parts then 0.98x of the process.
   */
  private static CpuUse readOnce() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    // the names before the clocks: getThreadInfo stops the JVM at a safepoint, run by the VM thread
    // at the process's priority, which waited behind the network's threads for up to 145 ms; inside
    // the window the process's clock brackets, the parts were then read over another window than
    // the process (1.03x of it, CpuReaderTest). The threads' CPU clocks need no safepoint.
    ThreadInfo[] named = threads.getThreadInfo(threads.getAllThreadIds());
    long wallBefore = System.nanoTime();
    long processBefore = processCpuNanos();
    Map<String, Long> byPart = new LinkedHashMap<>();
    for (ThreadInfo info : named) {
      if (info == null) {
        continue; // ended since the list was taken
      }
      long nanos = threads.getThreadCpuTime(info.getThreadId());
      if (nanos > 0) {
        byPart.merge(part(info.getThreadName()), nanos, Long::sum);
      }
    }
    nativeThreads().forEach((part, nanos) -> byPart.merge(part, nanos, Long::sum));
    long processAfter = processCpuNanos();
    long wallAfter = System.nanoTime();
    return new CpuUse(byPart, processBefore + (processAfter - processBefore) / 2, wallBefore + (wallAfter - wallBefore) / 2,
        wallAfter - wallBefore);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** CPU of the JVM's own JIT and GC threads so far, from /proc (empty where there is none). */
  static Map<String, Long> nativeThreads() {
    Map<String, Long> byPart = new LinkedHashMap<>();
    if (!Files.isDirectory(TASKS)) {
      return byPart;
    }
    try (Stream<Path> tasks = Files.list(TASKS)) {
      tasks.forEach(task -> {
        try {
          String part = nativePart(Files.readString(task.resolve("comm")).strip());
          if (part != null) {
            String stat = Files.readString(task.resolve("stat"));
            // fields after the name in parentheses (which may hold spaces): utime and stime are the 12th and 13th
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            byPart.merge(part, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS, Long::sum);
          }
        } catch (IOException | RuntimeException e) {
          // the thread ended while it was read: its time is no longer reported anyway
        }
      });
    } catch (IOException e) {
      return Map.of();
    }
    return byPart;
  }

  /** The part of a JVM-internal thread, by the name HotSpot gives it; null for any other thread. */
  static String nativePart(String name) {
    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
      return JIT;
    }
    if (name.startsWith("GC Thread#") || name.startsWith("G1 ") || name.startsWith("GC ")) {
      return GC;
    }
    if (name.startsWith("av:")) {
      // FFmpeg names its decoder workers av:CODEC:dfN (frame threads) and av:CODEC:sN (slices)
      return INGEST;
    }
    return null;
  }

  /** What was used between {@code earlier} and this; threads that ended in between are not counted. */
  CpuUse since(CpuUse earlier) {
    Map<String, Long> byPart = new LinkedHashMap<>();
    nanosByPart.forEach((part, nanos) -> byPart.put(part, Math.max(0, nanos - earlier.nanosByPart.getOrDefault(part, 0L))));
    long threads = byPart.values().stream().mapToLong(Long::longValue).sum();
    long process = processNanos - earlier.processNanos;
    byPart.put(JVM, Math.max(0, process - threads));
    return new CpuUse(byPart, process, wallNanos - earlier.wallNanos, Math.max(readNanos, earlier.readNanos));
  }

  /** This interval and {@code other} as one: CPU by part, process CPU and wall-clock time summed. */
  CpuUse plus(CpuUse other) {
    Map<String, Long> byPart = new LinkedHashMap<>(nanosByPart);
    other.nanosByPart.forEach((part, nanos) -> byPart.merge(part, nanos, Long::sum));
    return new CpuUse(byPart, processNanos + other.processNanos, wallNanos + other.wallNanos, Math.max(readNanos, other.readNanos));
  }

  /** Cores' worth of CPU a part used over the interval. */
  double cores(String part) {
    return nanosByPart.getOrDefault(part, 0L) / (double) wallNanos;
  }

  double totalCores() {
    return processNanos / (double) wallNanos;
  }

  /**
   * The parts' CPU (the rest of the JVM aside, which is what is left of the process's) over the
   * process's own: at most 1 where the threads' clocks and the process's agree. Two runs of round
   * 17 read 1.17 and 1.12 (over two cores' worth of CPU on two cores): their first reading ran on
   * the benchmark's thread at nice 0 beside the network at nice -20 and took a good part of a
   * second, so the threads were read over a longer window than the process (round 18). A split
   * like that cannot be trusted.
   */
  double partsOverProcess() {
    long parts = nanosByPart.entrySet().stream().filter(e -> !e.getKey().equals(JVM)).mapToLong(Map.Entry::getValue).sum();
    return processNanos > 0 ? parts / (double) processNanos : 0;
  }

  /** Whether the parts add up to the process's CPU, within the 2% that reading the clocks one by one allows. */
  boolean consistent() {
    return partsOverProcess() <= 1.02;
  }

  static String part(String thread) {
    if (thread.startsWith(StudentModel.THREAD_NAME_PREFIX)) {
      return ONNX_RUNTIME;
    }
    if (thread.startsWith("inference-batcher-")) {
      return BATCHING;
    }
    if (thread.startsWith("camera-") || thread.equals("kafka-producer-network-thread | actionstream-ingest")) {
      return INGEST;
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
