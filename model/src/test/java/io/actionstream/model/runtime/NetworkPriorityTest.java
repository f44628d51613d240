package io.actionstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NetworkPriorityTest {

  /** Whether this process may raise a thread's priority: CAP_SYS_NICE (bit 23) in its effective capabilities. */
  private static boolean mayRaisePriorities() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("CapEff:")) {
        return (Long.parseUnsignedLong(line.substring(7).trim(), 16) >> 23 & 1) == 1;
      }
    }
    return false;
  }

  @Test
  void aThreadReadsItsOwnNiceValueAsTheKernelSetsIt() throws Exception {
    // lowering a thread's priority needs no permission: renice a thread of its own, then read it back
    AtomicReference<OptionalInt> before = new AtomicReference<>();
    AtomicReference<OptionalInt> after = new AtomicReference<>();
    Thread thread = new Thread(() -> {
      before.set(NetworkPriority.niceOfCurrentThread());
      try {
        String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        new ProcessBuilder("renice", "-n", "19", "-p", tid).redirectErrorStream(true).start().waitFor();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      after.set(NetworkPriority.niceOfCurrentThread());
    });
    thread.start();
    thread.join();
    assertThat(before.get()).as("the process's own priority").hasValue(NetworkPriority.niceOfCurrentThread().orElseThrow());
    assertThat(after.get()).hasValue(19);
    assertThat(NetworkPriority.niceOfCurrentThread()).as("the other threads keep theirs").isEqualTo(before.get());
  }

  @Test
  void theNetworksThreadsRunAheadOfTheLoaderWhereTheProcessMayRaisePriorities() throws Exception {
    int loader = NetworkPriority.niceOfCurrentThread().orElseThrow();
    try (StudentModel model = StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CPU, "tiny.onnx")) {
      OptionalInt network = model.threadNice();
      if (mayRaisePriorities()) {
        assertThat(network).hasValue(NetworkPriority.NICE);
        assertThat(NetworkPriority.describe(network, OptionalInt.of(loader))).contains("ahead of the rest");
      } else {
        assertThat(network).as("without CAP_SYS_NICE a thread keeps the priority of the thread that started it").hasValue(loader);
        assertThat(NetworkPriority.describe(network, OptionalInt.of(loader))).contains("CAP_SYS_NICE");
      }
    }
  }

  @Test
  void theLoadLogSaysWhatToDoWhenTheThreadsAreNotAhead() {
    assertThat(NetworkPriority.describe(OptionalInt.of(-5), OptionalInt.of(0))).contains("nice -5 against 0");
    assertThat(NetworkPriority.describe(OptionalInt.of(0), OptionalInt.of(0))).contains("CAP_SYS_NICE", "nice -15");
    assertThat(NetworkPriority.describe(OptionalInt.empty(), OptionalInt.of(0))).contains("unknown");
  }
}
