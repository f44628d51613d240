package io.actionstream.model.runtime;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The CPU priority of the threads that run the network. On the CPU a burst of clips is served at
 * the network's own pace only if ONNX Runtime's threads get the cores before the work that can
 * wait (the next frames' decoding, the broker, an ingest in the same process): at the process's
 * priority their batches took 1.6-1.7x their CPU time in wall time while a synchronized burst was
 * served, at nice -15 1.25x (README, speed targets round 8; nice -5, Java's highest priority
 * through the JVM, did not help). Each thread raises itself with {@code setpriority(2)} when it
 * starts; only a process that may (root, or CAP_SYS_NICE) gets it, elsewhere the threads keep the
 * process's priority, and the model's load log says so.
 */
final class NetworkPriority {

  /** The nice value ONNX Runtime's threads ask for (the process's threads run at 0). */
  static final int NICE = -15;

  /** Field 19 of {@code /proc/.../stat}, counted from the state (field 3) after the command's closing parenthesis. */
  private static final int NICE_AFTER_STATE = 16;

  private static final int PRIO_PROCESS = 0;

  /** The C library's call; on Linux "process" means the thread whose id is given. */
  private interface C extends Library {
    int setpriority(int which, int who, int prio);
  }

  private NetworkPriority() {}

  /**
   * Raises the calling thread to {@link #NICE}; where the process may not or the platform cannot
   * (not Linux) the thread stays as it was, which {@link #niceOfCurrentThread} then tells.
   */
  static void raiseCurrentThread() {
    OptionalInt tid = currentThreadId();
    if (tid.isEmpty()) {
      return;
    }
    try {
      Native.load("c", C.class).setpriority(PRIO_PROCESS, tid.getAsInt(), NICE);
    } catch (LinkageError | RuntimeException e) {
      // JNA's native part cannot be unpacked or loaded (a read-only temporary folder, another
      // platform): the network still runs, at the process's priority, which the load log tells
    }
  }

  /** The calling thread's nice value (lower runs first); empty where {@code /proc} does not tell (not Linux). */
  static OptionalInt niceOfCurrentThread() {
    try {
      String stat = Files.readString(Path.of("/proc/thread-self/stat"));
      // the command name is in parentheses and may itself hold spaces and parentheses
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return OptionalInt.of(Integer.parseInt(fields[NICE_AFTER_STATE]));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
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

  /** What the load log says of the network's threads' priority against the loading thread's. */
  static String describe(OptionalInt network, OptionalInt loader) {
    if (network.isEmpty() || loader.isEmpty()) {
      return "its threads' CPU priority is unknown here (no /proc)";
    }
    if (network.getAsInt() < loader.getAsInt()) {
      return "its threads run ahead of the rest of the process (nice " + network.getAsInt() + " against " + loader.getAsInt() + ")";
    }
    return "its threads run at the rest of the process's CPU priority (nice " + network.getAsInt() + "): a process with "
        + "CAP_SYS_NICE (or root) runs them at nice " + NICE + ", which serves bursts of clips closer to the network's own pace";
  }
}
