package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.model.runtime.NetworkPriority;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CpuReaderTest {

  @Test
  void readingsKeepUpWhileTheNetworksThreadsHoldEveryCore() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> network = new ArrayList<>();
    AtomicReference<Optional<NetworkPriority.Scheduling>> burnersScheduling = new AtomicReference<>(Optional.empty());
    for (int i = 0; i < cores; i++) {
      // as ONNX Runtime's threads in a pipeline run: every core busy at the network's priority
      Thread burner = new Thread(() -> {
        NetworkPriority.NICE.applyToCurrentThread();
        burnersScheduling.set(NetworkPriority.ofCurrentThread());
        double sink = 0;
        while (!stop.get()) {
          sink += Math.sqrt(sink + 1);
        }
        assertThat(sink).isPositive();
      }, "onnx-runtime-burner-" + i);
      burner.setDaemon(true);
      burner.start();
      network.add(burner);
    }
    try (CpuReader reader = new CpuReader()) {
      reader.now(); // the first reading loads its classes
      Thread.sleep(200);
      CpuUse first = reader.now();
      // the process's CPU comes in 10 ms clock ticks: over 2 s of two cores they weigh under 1%
      Thread.sleep(2000);
      CpuUse used = reader.now().since(first);

      assertThat(used.partsOverProcess()).as("the threads and the process read over the same window").isLessThanOrEqualTo(1.02);
      assertThat(used.cores(CpuUse.ONNX_RUNTIME)).as("the burners' cores").isGreaterThan(0.5 * cores);
      // a reading behind the burners waited 300-600 ms for a turn at nice 0 and 5-170 ms at their nice
      // value, and read the threads over a longer window than the process; it must not queue behind them
      Optional<NetworkPriority.Scheduling> readers = reader.scheduling();
      Optional<NetworkPriority.Scheduling> burners = burnersScheduling.get();
      if (readers.isPresent() && burners.isPresent()) {
        assertThat(readers.get().realtime() || readers.get().nice() <= burners.get().nice())
            .as("the reader (%s) is scheduled at least as far ahead as the network's threads (%s)", readers.get(), burners.get())
            .isTrue();
      }
    } finally {
      stop.set(true);
      for (Thread burner : network) {
        burner.join();
      }
    }
  }
}
