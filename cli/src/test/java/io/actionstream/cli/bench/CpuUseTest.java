package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CpuUseTest {

  @Test
  void threadsAreToldApartByTheirNames() {
    assertThat(CpuUse.part("onnx-runtime-2")).isEqualTo(CpuUse.ONNX_RUNTIME);
    assertThat(CpuUse.part("inference-batcher-1")).isEqualTo(CpuUse.BATCHING);
    assertThat(CpuUse.part("bench-5c0e0a4e-9d8f-4c1b-8f6e-0a1b2c3d4e5f-StreamThread-1")).isEqualTo(CpuUse.STREAM_THREADS);
    assertThat(CpuUse.part("kafka-producer-network-thread | bench-5c0e0a4e-StreamThread-2-producer")).isEqualTo(CpuUse.PRODUCERS);
    assertThat(CpuUse.part("data-plane-kafka-request-handler-3")).isEqualTo(CpuUse.BROKER);
    assertThat(CpuUse.part("TxnMarkerSenderThread-1")).isEqualTo(CpuUse.BROKER);
    assertThat(CpuUse.part("kafka-producer-network-thread | actionstream-ingest")).isEqualTo(CpuUse.INGEST);
    assertThat(CpuUse.part("camera-cam-17")).isEqualTo(CpuUse.INGEST);
    assertThat(CpuUse.part("main")).isEqualTo(CpuUse.OTHER);
  }

  @Test
  void theJvmsOwnThreadsAreReadFromProcByTheirNames() {
    assertThat(CpuUse.nativePart("C2 CompilerThre")).isEqualTo(CpuUse.JIT);
    assertThat(CpuUse.nativePart("C1 CompilerThre")).isEqualTo(CpuUse.JIT);
    assertThat(CpuUse.nativePart("GC Thread#1")).isEqualTo(CpuUse.GC);
    assertThat(CpuUse.nativePart("G1 Conc#0")).isEqualTo(CpuUse.GC);
    assertThat(CpuUse.nativePart("G1 Refine#0")).isEqualTo(CpuUse.GC);
    assertThat(CpuUse.nativePart("av:mpeg4:df2")).as("FFmpeg's decoder worker").isEqualTo(CpuUse.INGEST);
    assertThat(CpuUse.nativePart("VM Thread")).as("the rest of the JVM").isNull();
    assertThat(CpuUse.nativePart("onnx-runtime-1")).as("a Java thread").isNull();
    // this test JVM has compiled the test framework by now: more than a clock tick of JIT
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/task")),
        "no /proc here: the JIT and GC count as the rest of the JVM");
    assertThat(CpuUse.nativeThreads().getOrDefault(CpuUse.JIT, 0L)).isPositive();
  }

  @Test
  void cpuBurntByAThreadIsCountedInItsPart() throws InterruptedException {
    CpuUse before = CpuUse.now();
    // an ended thread's time is no longer reported: the burner stays alive until it is sampled
    CountDownLatch burnt = new CountDownLatch(1);
    CountDownLatch sampled = new CountDownLatch(1);
    Thread burner = new Thread(() -> {
      var threads = ManagementFactory.getThreadMXBean();
      double sink = 0;
      while (threads.getCurrentThreadCpuTime() < 200_000_000L) {
        sink += Math.sqrt(sink + 1);
      }
      assertThat(sink).isPositive();
      burnt.countDown();
      try {
        sampled.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "onnx-runtime-test");
    burner.start();
    assertThat(burnt.await(60, TimeUnit.SECONDS)).as("the burner used its 200 ms of CPU").isTrue();
    CpuUse during = CpuUse.now();
    sampled.countDown();
    burner.join();
    CpuUse used = during.since(before);
    assertThat(used.nanosByPart().get(CpuUse.ONNX_RUNTIME)).isGreaterThan(100_000_000L);
    assertThat(used.processNanos()).isGreaterThanOrEqualTo(used.nanosByPart().get(CpuUse.ONNX_RUNTIME));
  }

  @Test
  void theReportSaysWhatTheSplitAllows() {
    // one second in which ONNX Runtime used one core, stream threads half of one, the JVM half
    CpuUse start = new CpuUse(Map.of(CpuUse.ONNX_RUNTIME, 0L, CpuUse.STREAM_THREADS, 0L), 0, 0);
    CpuUse end = new CpuUse(Map.of(CpuUse.ONNX_RUNTIME, 1_000_000_000L, CpuUse.STREAM_THREADS, 500_000_000L), 2_000_000_000L,
        1_000_000_000L);
    CpuUse cpu = end.since(start);
    assertThat(cpu.cores(CpuUse.JVM)).isCloseTo(0.5, within(1e-9));
    assertThat(cpu.totalCores()).isCloseTo(2.0, within(1e-9));

    // 50 clips/s: 20 ms of ONNX Runtime and 20 ms of everything else per clip; 2 cores -> 50 clips/s at most
    List<String> lines = InferenceBenchmark.cpuReport(new InferenceBenchmark.PipelineRun(50, 50, cpu), 100, 2);
    assertThat(lines).contains("| ONNX Runtime | 1.00 | 20.0 |", "| " + CpuUse.STREAM_THREADS + " | 0.50 | 10.0 |",
        "| " + CpuUse.JVM + " | 0.50 | 10.0 |");
    // 0.8x of 100 clips/s on 2 cores leaves 25 ms per clip, 20 of them for ONNX Runtime
    assertThat(lines.get(lines.size() - 1)).contains("ONNX Runtime takes 20.0 ms", "everything else 20.0 ms",
        "at most 50 clips/s (0.50x of bare)", "within 5.0 ms per clip");
  }

  @Test
  void severalRunsAreSplitAsOneOverTheirTimeTogether() {
    // 1 s at 50 clips/s with ONNX Runtime on one core; 3 s at 10 clips/s with it on half a core
    CpuUse fast = new CpuUse(Map.of(CpuUse.ONNX_RUNTIME, 1_000_000_000L), 1_000_000_000L, 1_000_000_000L);
    CpuUse slow = new CpuUse(Map.of(CpuUse.ONNX_RUNTIME, 1_500_000_000L), 3_000_000_000L, 3_000_000_000L);
    InferenceBenchmark.PipelineRun both = InferenceBenchmark.PipelineRun.together(
        List.of(new InferenceBenchmark.PipelineRun(50, 50, fast), new InferenceBenchmark.PipelineRun(10, 30, slow)));
    assertThat(both.clipsPerSecond()).as("80 clips in 4 s").isCloseTo(20, within(1e-9));
    assertThat(both.clips()).isEqualTo(80);
    assertThat(both.msPerClip(CpuUse.ONNX_RUNTIME)).as("2.5 s of CPU for 80 clips").isCloseTo(31.25, within(1e-9));
    assertThat(both.cpu().cores(CpuUse.ONNX_RUNTIME)).as("2.5 s of CPU in 4 s").isCloseTo(0.625, within(1e-9));
    assertThat(both.cpu().totalCores()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void theCpuPerClipIsTheRunsCpuOverItsClipsWhateverTheWindowsLength() {
    // 480 clips whose events spanned 2.7 s; the CPU read from the resume to the last event, 3.0 s,
    // in which ONNX Runtime used 3.6 s: 7.5 ms per clip (its cores over the events' rate say 6.75)
    CpuUse start = new CpuUse(Map.of(CpuUse.ONNX_RUNTIME, 0L), 0, 0);
    CpuUse end = new CpuUse(Map.of(CpuUse.ONNX_RUNTIME, 3_600_000_000L), 5_400_000_000L, 3_000_000_000L);
    var run = new InferenceBenchmark.PipelineRun(479 / 2.7, 480, end.since(start));
    assertThat(run.msPerClip(CpuUse.ONNX_RUNTIME)).isCloseTo(7.5, within(1e-9));
    assertThat(run.totalMsPerClip()).isCloseTo(11.25, within(1e-9));
    assertThat(InferenceBenchmark.cpuReport(run, 260, 2)).contains("| ONNX Runtime | 1.20 | 7.5 |");
  }

  @Test
  void aRunTooShortToSplitSaysSoInsteadOfATable() {
    CpuUse start = new CpuUse(Map.of(CpuUse.ONNX_RUNTIME, 0L), 0, 0);
    CpuUse end = new CpuUse(Map.of(CpuUse.ONNX_RUNTIME, 10_000_000L), 50_000_000L, 20_000_000L);
    List<String> lines = InferenceBenchmark.cpuReport(new InferenceBenchmark.PipelineRun(50, 1, end.since(start)), 100, 2);
    assertThat(lines).singleElement().asString().contains("not split", "within 0.02 s", "--clips-per-camera");
  }

  @Test
  void theRealTimeReportShowsTheIngestAndWhat150CamerasLeavePerClip() {
    // 10 s at 40 clips/s: ingest half a core, ONNX Runtime 0.6 of one, the rest of the JVM 0.4
    CpuUse start = new CpuUse(Map.of(CpuUse.INGEST, 0L, CpuUse.ONNX_RUNTIME, 0L), 0, 0);
    CpuUse end = new CpuUse(Map.of(CpuUse.INGEST, 5_000_000_000L, CpuUse.ONNX_RUNTIME, 6_000_000_000L), 15_000_000_000L,
        10_000_000_000L);
    org.HdrHistogram.Histogram latencies = new org.HdrHistogram.Histogram(3);
    for (int i = 0; i < 400; i++) {
      latencies.recordValue(100_000);
    }
    var run = new InferenceBenchmark.RealTimeRun(latencies, latencies, 100, 100, 1.0, end.since(start), NetworkTime.of(java.util.List.of()), LatencySplit.of(java.util.List.of()), java.util.List.of(), new GcPauses.Summary(0, 0, 0), new RunQueueWait(0, 0, 0), HeldFrames.NONE, new Bursts(java.util.List.of()));

    List<String> lines = InferenceBenchmark.realTimeCpuReport(run, 80, true, 2);

    assertThat(lines.get(0)).contains("80 cameras (sustained)", "10.0 s, 40.0 clips/s", "1.50 of 2 cores");
    // per clip: 1000 / 40 = 25 ms of wall time; ingest 0.5 cores -> 12.5 ms, ONNX Runtime 15 ms
    assertThat(lines).contains("| " + CpuUse.INGEST + " | 0.50 | 12.5 |", "| ONNX Runtime | 0.60 | 15.0 |");
    // 150 cameras: 75 clips/s, 2 cores -> 26.7 ms per clip; this run used 1.5 cores x 25 ms
    assertThat(lines.get(lines.size() - 1)).contains("75 clips/s", "26.7 ms", "used 37.5 ms per clip, 12.5 of them in the ingest");
  }

  @Test
  void aRealTimeRunWithoutEventsIsNotSplit() {
    CpuUse cpu = new CpuUse(Map.of(), 1_000_000_000L, 10_000_000_000L);
    var run = new InferenceBenchmark.RealTimeRun(new org.HdrHistogram.Histogram(3), new org.HdrHistogram.Histogram(3), Double.NaN, Double.NaN, 0, cpu, NetworkTime.of(java.util.List.of()), LatencySplit.of(java.util.List.of()), java.util.List.of(), new GcPauses.Summary(0, 0, 0), new RunQueueWait(0, 0, 0), HeldFrames.NONE, new Bursts(java.util.List.of()));
    assertThat(InferenceBenchmark.realTimeCpuReport(run, 10, false, 2)).singleElement().asString().contains("not split");
  }

  @Test
  void aSplitWhosePartsAddUpToMoreThanTheProcessIsNotConsistent() {
    CpuUse agreeing = new CpuUse(Map.of(CpuUse.ONNX_RUNTIME, 1_500_000_000L, CpuUse.STREAM_THREADS, 300_000_000L,
        CpuUse.JVM, 200_000_000L), 2_000_000_000L, 1_000_000_000L);
    assertThat(agreeing.partsOverProcess()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(agreeing.consistent()).isTrue();
    // round 17's F4: the threads read 2.19 cores' worth against the process's 1.88
    CpuUse overcounted = new CpuUse(Map.of(CpuUse.ONNX_RUNTIME, 1_710_000_000L, CpuUse.STREAM_THREADS, 480_000_000L,
        CpuUse.JVM, 0L), 1_880_000_000L, 1_000_000_000L);
    assertThat(overcounted.partsOverProcess()).isCloseTo(2.19 / 1.88, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(overcounted.consistent()).isFalse();
  }
}
