package io.actionstream.model.runtime;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * How the threads that run the network are scheduled against the rest of the process. On the CPU
 * a burst of clips is served at the network's own pace only if ONNX Runtime's threads get the
 * cores before the work that can wait (the next frames' decoding, the broker, an ingest in the
 * same process). At the process's priority their batches took 1.6-1.7x their CPU time in wall
 * time in a synchronized burst; at nice -15 1.25-1.35x, because a hundred runnable camera and
 * stream threads at nice 0 together still outweigh one thread at nice -15, which was preempted
 * about 15 times per batch; as real-time threads ({@code SCHED_RR}) they were preempted almost
 * never, and their batches took 1.16-1.23x, but the burst's latency did not follow: the time
 * moved to the clips' way to the network and back, whose threads then waited longer (README,
 * speed targets rounds 8 and 9). So nice -15 is the service's default and real time a choice. A
 * real-time thread cannot starve the process: it blocks whenever no clip waits, and the kernel
 * leaves other threads at least 5% of each core. Each thread applies the priority to itself when
 * it starts, ONNX Runtime's and the batching workers that hand them their clips (at nice 0 a
 * worker woken by an answer waited for a core behind the camera and stream threads while the
 * network's thread stood idle: in a synchronized burst the network's wall time per clip fell from
 * 1.38x to 1.26x its CPU time once the workers ran at nice -15 too, README round 14); only a
 * process that may (root, or CAP_SYS_NICE) gets it, elsewhere the threads keep the process's
 * priority, and the model's load log says so.
 *
 * <p>Since round 17 {@code nice} is nice {@value #NICE_VALUE}, three times the weight of -15: a
 * hundred camera threads in the same process waking together at every frame of a synchronized
 * burst stretched the network's batches to 1.25-1.33x their CPU time at -15, and to 1.17-1.21x at
 * -20. And the stream threads, which hand the network its clips and turn its answers into events,
 * run between it and the rest ({@link #applyToFeederThread}, nice {@value #FEEDER_NICE}): at the
 * process's priority they queue behind the ingest and the broker at both ends of a burst. Whether
 * the pair lowers the burst's p99 is not shown beyond the runs' spread (1.31-1.61x its own compute
 * floor against 1.45-1.71x; README, speed targets round 17).
 */
public enum NetworkPriority {
  /** The process's own priority: nothing is changed. */
  NORMAL,
  /** Nice {@value #NICE_VALUE}: weighted far ahead of the process's threads, but still time-shared with them. */
  NICE,
  /** Real-time round robin at the lowest real-time priority; nice {@value #NICE_VALUE} where that is refused. */
  REALTIME;

  /** The nice value asked for (the process's threads run at 0). */
  static final int NICE_VALUE = -20;

  /** The nice value of the network's feeders, the stream threads: behind the network, ahead of the ingest and the broker. */
  static final int FEEDER_NICE = -10;

  /** {@code SCHED_RR} and the priority asked for within it (1 to 99; any real-time thread runs before every normal one). */
  private static final int SCHED_RR = 2;
  private static final int REALTIME_PRIORITY = 1;

  /** Fields of {@code /proc/.../stat}, counted from the state (field 3) after the command's closing parenthesis. */
  private static final int NICE_AFTER_STATE = 16;
  private static final int POLICY_AFTER_STATE = 38;

  private static final int PRIO_PROCESS = 0;

  /** How a thread is scheduled: {@code realtime} for {@code SCHED_FIFO} or {@code SCHED_RR}, else by its nice value. */
  public record Scheduling(boolean realtime, int nice) {}

  /** The C library's calls; on Linux "process" means the thread whose id is given (0: the calling thread). */
  private interface C extends Library {
    int setpriority(int which, int who, int prio);

    int sched_setscheduler(int pid, int policy, int[] param);
  }

  public static NetworkPriority parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("network priority '" + name + "' is not one of realtime, nice or normal");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Applies this priority to the calling thread; where the process may not or the platform
   * cannot (not Linux) the thread stays as it was, which {@link #ofCurrentThread} then tells.
   */
  public void applyToCurrentThread() {
    if (this == NORMAL) {
      return;
    }
    renice(this == REALTIME, NICE_VALUE);
  }

  /**
   * Applies the priority of the network's feeders to the calling thread: nice {@value
   * #FEEDER_NICE} with {@code nice} and {@code realtime} (a real-time feeder would take the cores
   * from the network it feeds), nothing with {@code normal}; where the process may not, the thread
   * stays as it was.
   */
  public void applyToFeederThread() {
    if (this != NORMAL) {
      renice(false, FEEDER_NICE);
    }
  }

  /**
   * Runs {@code task} on a thread of its own at the feeders' priority (see {@link
   * #applyToFeederThread}) and returns what it returns. On Linux a thread starts at the nice value
   * of the thread that starts it, so the threads {@code task} starts (a component's own pools,
   * such as an embedded broker's request handlers) run at that priority too.
   *
   * @throws InterruptedException when the calling thread is interrupted while it waits
   */
  public <T> T callAtFeederPriority(Callable<T> task) throws Exception {
    FutureTask<T> future = new FutureTask<>(() -> {
      applyToFeederThread();
      return task.call();
    });
    Thread thread = new Thread(future, "feeder-priority-start");
    thread.start();
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Makes the calling thread real-time where asked and allowed, else sets its nice value (where allowed). */
  private static void renice(boolean realtime, int nice) {
    OptionalInt tid = currentThreadId();
    if (tid.isEmpty()) {
      return;
    }
    try {
      C c = Native.load("c", C.class);
      if (realtime && c.sched_setscheduler(0, SCHED_RR, new int[] {REALTIME_PRIORITY}) == 0) {
        return;
      }
      c.setpriority(PRIO_PROCESS, tid.getAsInt(), nice);
    } catch (LinkageError | RuntimeException e) {
      // JNA's native part cannot be unpacked or loaded (a read-only temporary folder, another
      // platform): the thread still runs, at the process's priority, which the load log tells
    }
  }

  /** How the calling thread is scheduled; empty where {@code /proc} does not tell (not Linux). */
  public static Optional<Scheduling> ofCurrentThread() {
    try {
      String stat = Files.readString(Path.of("/proc/thread-self/stat"));
      // the command name is in parentheses and may itself hold spaces and parentheses
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      int policy = Integer.parseInt(fields[POLICY_AFTER_STATE]);
      return Optional.of(new Scheduling(policy == 1 || policy == SCHED_RR, Integer.parseInt(fields[NICE_AFTER_STATE])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The kernel's id of the calling thread, from {@code /proc/thread-self} ({@code PID/task/TID}). */
  private static OptionalInt currentThreadId() {
    try {
      return OptionalInt.of(Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString()));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  /** What the load log says of the network's threads' scheduling against the loading thread's, this priority having been asked for. */
  String describe(Optional<Scheduling> network, Optional<Scheduling> loader) {
    if (network.isEmpty() || loader.isEmpty()) {
      return "its threads' CPU priority is unknown here (no /proc)";
    }
    if (network.get().realtime() && !loader.get().realtime()) {
      return "its threads run in real time (SCHED_RR), ahead of the rest of the process";
    }
    String ahead = "its threads run ahead of the rest of the process (nice " + network.get().nice() + " against " + loader.get().nice() + ")";
    if (network.get().nice() < loader.get().nice()) {
      return this == REALTIME ? ahead + "; real-time scheduling was refused (a cgroup without a real-time budget refuses it even to root)" : ahead;
    }
    if (this == NORMAL) {
      return "its threads run at the process's CPU priority (network priority normal)";
    }
    return "its threads run at the rest of the process's CPU priority (nice " + network.get().nice() + "): a process with "
        + "CAP_SYS_NICE (or root) runs them " + (this == REALTIME ? "in real time" : "at nice " + NICE_VALUE)
        + ", which serves bursts of clips closer to the network's own pace";
  }
}
