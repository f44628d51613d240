package io.actionstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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

  /** The threads' scheduling of a tiny model loaded at {@code priority}, and the load log's words for it. */
  private static Optional<NetworkPriority.Scheduling> loadedAt(NetworkPriority priority, AtomicReference<String> said) throws Exception {
    try (StudentModel model = StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CPU, "tiny.onnx", StudentModel.Feed.CLIPS,
        priority)) {
      Optional<NetworkPriority.Scheduling> network = model.threadScheduling();
      said.set(priority.describe(network, NetworkPriority.ofCurrentThread()));
      return network;
    }
  }

  @Test
  void aThreadReadsItsOwnNiceValueAsTheKernelSetsIt() throws Exception {
    // lowering a thread's priority needs no permission: renice a thread of its own, then read it back
    AtomicReference<Optional<NetworkPriority.Scheduling>> before = new AtomicReference<>();
    AtomicReference<Optional<NetworkPriority.Scheduling>> after = new AtomicReference<>();
    Thread thread = new Thread(() -> {
      before.set(NetworkPriority.ofCurrentThread());
      try {
        String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        new ProcessBuilder("renice", "-n", "19", "-p", tid).redirectErrorStream(true).start().waitFor();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      after.set(NetworkPriority.ofCurrentThread());
    });
    thread.start();
    thread.join();
    assertThat(before.get()).as("the process's own priority").isEqualTo(NetworkPriority.ofCurrentThread());
    assertThat(after.get()).hasValue(new NetworkPriority.Scheduling(false, 19));
    assertThat(NetworkPriority.ofCurrentThread()).as("the other threads keep theirs").isEqualTo(before.get());
  }

  @Test
  void realtimeThreadsRunAheadOfTheLoaderWhereTheProcessMayRaisePriorities() throws Exception {
    NetworkPriority.Scheduling loader = NetworkPriority.ofCurrentThread().orElseThrow();
    AtomicReference<String> said = new AtomicReference<>();
    Optional<NetworkPriority.Scheduling> network = loadedAt(NetworkPriority.REALTIME, said);
    if (mayRaisePriorities()) {
      assertThat(network).hasValueSatisfying(s -> assertThat(s.realtime()).isTrue());
      assertThat(said.get()).contains("real time (SCHED_RR)");
    } else {
      assertThat(network).as("without CAP_SYS_NICE a thread keeps the priority of the thread that started it").hasValue(loader);
      assertThat(said.get()).contains("CAP_SYS_NICE", "in real time");
    }
  }

  @Test
  void niceThreadsAreNotRealtimeAndNormalOnesKeepTheProcesssPriority() throws Exception {
    NetworkPriority.Scheduling loader = NetworkPriority.ofCurrentThread().orElseThrow();
    AtomicReference<String> said = new AtomicReference<>();
    Optional<NetworkPriority.Scheduling> nice = loadedAt(NetworkPriority.NICE, said);
    if (mayRaisePriorities()) {
      assertThat(nice).hasValue(new NetworkPriority.Scheduling(false, NetworkPriority.NICE_VALUE));
      assertThat(said.get()).contains("ahead of the rest").doesNotContain("refused");
    } else {
      assertThat(nice).hasValue(loader);
    }
    assertThat(loadedAt(NetworkPriority.NORMAL, said)).hasValue(loader);
    assertThat(said.get()).contains("network priority normal");
  }

  @Test
  void feedersRunBetweenTheNetworkAndTheRestOfTheProcessWhereItMayRaisePriorities() throws Exception {
    NetworkPriority.Scheduling process = NetworkPriority.ofCurrentThread().orElseThrow();
    for (NetworkPriority priority : NetworkPriority.values()) {
      AtomicReference<Optional<NetworkPriority.Scheduling>> feeder = new AtomicReference<>();
      Thread thread = new Thread(() -> {
        priority.applyToFeederThread();
        feeder.set(NetworkPriority.ofCurrentThread());
      });
      thread.start();
      thread.join();
      if (priority != NetworkPriority.NORMAL && mayRaisePriorities()) {
        assertThat(feeder.get()).as("a feeder at %s", priority).hasValue(new NetworkPriority.Scheduling(false, NetworkPriority.FEEDER_NICE));
        assertThat(NetworkPriority.FEEDER_NICE).as("behind the network, ahead of the process")
            .isGreaterThan(NetworkPriority.NICE_VALUE).isLessThan(process.nice());
      } else {
        assertThat(feeder.get()).as("a feeder at %s", priority).hasValue(process);
      }
    }
  }

  @Test
  void threadsStartedByATaskAtTheFeedersPriorityInheritIt() throws Exception {
    NetworkPriority.Scheduling process = NetworkPriority.ofCurrentThread().orElseThrow();
    // as an embedded broker's start, which starts its request handlers and keeps them
    Optional<NetworkPriority.Scheduling> started = NetworkPriority.NICE.callAtFeederPriority(() -> {
      AtomicReference<Optional<NetworkPriority.Scheduling>> child = new AtomicReference<>();
      Thread handler = new Thread(() -> child.set(NetworkPriority.ofCurrentThread()));
      handler.start();
      handler.join();
      return child.get();
    });
    if (mayRaisePriorities()) {
      assertThat(started).hasValue(new NetworkPriority.Scheduling(false, NetworkPriority.FEEDER_NICE));
    } else {
      assertThat(started).hasValue(process);
    }
    assertThat(NetworkPriority.ofCurrentThread()).as("the caller keeps its own").hasValue(process);
    assertThat(NetworkPriority.NORMAL.callAtFeederPriority(NetworkPriority::ofCurrentThread)).hasValue(process);
  }

  @Test
  void aTaskAtTheFeedersPriorityThrowsItsOwnException() {
    assertThatThrownBy(() -> NetworkPriority.NICE.callAtFeederPriority(() -> {
      throw new java.io.IOException("port in use");
    })).isInstanceOf(java.io.IOException.class).hasMessage("port in use");
  }

  @Test
  void theLoadLogSaysWhatToDoWhenTheThreadsAreNotAhead() {
    Optional<NetworkPriority.Scheduling> process = Optional.of(new NetworkPriority.Scheduling(false, 0));
    Optional<NetworkPriority.Scheduling> reniced = Optional.of(new NetworkPriority.Scheduling(false, -20));
    assertThat(NetworkPriority.NICE.describe(Optional.of(new NetworkPriority.Scheduling(false, -5)), process)).contains("nice -5 against 0");
    assertThat(NetworkPriority.REALTIME.describe(reniced, process)).contains("real-time scheduling was refused");
    assertThat(NetworkPriority.NICE.describe(process, process)).contains("CAP_SYS_NICE", "nice -20");
    assertThat(NetworkPriority.REALTIME.describe(process, process)).contains("CAP_SYS_NICE", "in real time");
    assertThat(NetworkPriority.NICE.describe(Optional.empty(), process)).contains("unknown");
  }

  @Test
  void aPriorityIsParsedByItsNameAndAWrongNameSaysWhichExist() {
    assertThat(NetworkPriority.parse(" Realtime ")).isEqualTo(NetworkPriority.REALTIME);
    assertThat(NetworkPriority.parse("normal").label()).isEqualTo("normal");
    assertThatThrownBy(() -> NetworkPriority.parse("high")).hasMessage("network priority 'high' is not one of realtime, nice or normal");
  }
}
