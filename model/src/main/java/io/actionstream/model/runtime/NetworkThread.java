package io.actionstream.model.runtime;

/**
 * A thread that calls into ONNX Runtime itself: a {@link StudentModel} runs a batch on the calling
 * thread when it is one of these, and hands it to one of its own threads otherwise. ORT recurses
 * deeply while it loads and runs a graph and overflows a default Java thread stack, which kills
 * the process, so these threads get a 64 MiB stack; their names start with {@link
 * StudentModel#THREAD_NAME_PREFIX}, which is what tells the network's threads apart in CPU and
 * scheduling readings. A batching worker that is one of these runs its clips without waking
 * another thread per batch: beside a model thread it handed every clip over, and in a burst the
 * model thread then waited for a core behind the other worker's turn (README, speed targets
 * round 28).
 */
public final class NetworkThread extends Thread {

  static final long STACK_BYTES = 64L * 1024 * 1024;

  /** A daemon thread named {@link StudentModel#THREAD_NAME_PREFIX} then {@code name}, that runs {@code task}. */
  public NetworkThread(Runnable task, String name) {
    super(null, task, StudentModel.THREAD_NAME_PREFIX + name, STACK_BYTES);
    setDaemon(true);
  }

  /** Whether the calling thread may call into ONNX Runtime itself. */
  static boolean isCurrent() {
    return Thread.currentThread() instanceof NetworkThread;
  }
}
