package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunQueueWaitTest {

  @Test
  void sumsTheSchedstatOfTheThreadsNamedLikeTheNetworks(@TempDir Path tasks) throws Exception {
    task(tasks, "101", "onnx-runtime-1", "6000000 1500000 4");
    task(tasks, "102", "onnx-runtime-2", "4000000 500000 2");
    task(tasks, "103", "kafka-request-handler-0", "9000000 9000000 9");
    Files.createDirectories(tasks.resolve("104")); // a thread that ended while the folder was read
    assertThat(RunQueueWait.of(tasks, "onnx-runtime-")).isEqualTo(new RunQueueWait(10_000_000, 2_000_000, 6));
  }

  @Test
  void anIntervalIsTheDifferenceAndSaysWhatAClipWaited() {
    RunQueueWait interval = new RunQueueWait(70_000_000, 14_000_000, 40).since(new RunQueueWait(7_000_000, 1_400_000, 2));
    assertThat(interval).isEqualTo(new RunQueueWait(63_000_000, 12_600_000, 38));
    assertThat(interval.waitOverRun()).isEqualTo(0.2);
    assertThat(interval.describe(10)).isEqualTo("the network's threads waited for a core 1.3 ms per clip while they could run "
        + "(0.20 of their 6.3 ms on one), in 3.8 turns on a core per clip");
  }

  @Test
  void aThreadThatRunsIsReadFromTheKernel() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "no /proc/self/task here (not Linux)");
    RunQueueWait before = RunQueueWait.of(Path.of("/proc/self/task"), "runqueue-probe");
    Thread busy = new Thread(() -> {
      long until = System.nanoTime() + 200_000_000L;
      long spin = 0;
      while (System.nanoTime() < until) {
        spin++;
      }
      assertThat(spin).isPositive();
    }, "runqueue-probe");
    busy.start();
    Thread.sleep(150);
    RunQueueWait during = RunQueueWait.of(Path.of("/proc/self/task"), "runqueue-probe").since(before);
    busy.join();
    assertThat(during.runNanos()).as("CPU time of a thread that spun for 150 ms so far").isGreaterThan(20_000_000L);
    assertThat(during.turns()).isPositive();
  }

  private static void task(Path tasks, String tid, String name, String schedstat) throws Exception {
    Path dir = Files.createDirectories(tasks.resolve(tid));
    Files.writeString(dir.resolve("comm"), name + "\n");
    Files.writeString(dir.resolve("schedstat"), schedstat + "\n");
  }
}
