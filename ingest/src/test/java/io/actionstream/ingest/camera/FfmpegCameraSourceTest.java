package io.actionstream.ingest.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actionstream.ingest.PatternVideo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decoder-thread setting reaches FFmpeg's decoder: FFmpeg names its frame-decoding workers
 * {@code av:CODEC:dfN}, so the threads of this process show how many a source started (Linux,
 * where {@code /proc/self/task} lists them).
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "counts FFmpeg's decoder threads in /proc/self/task")
class FfmpegCameraSourceTest {

  @TempDir Path dir;

  @Test
  void oneDecoderThreadStartsNoFrameWorkersAndDecodesTheSameFrames() throws Exception {
    Path video = PatternVideo.write(dir.resolve("pattern.avi"), "avi", 12, 64, 48, 8);

    Decoded three = decode(video, 3);
    Decoded one = decode(video, 1);

    assertThat(three.workers()).as("frame workers of a 3-thread decoder").isEqualTo(3);
    assertThat(one.workers()).as("frame workers of a 1-thread decoder").isZero();
    assertThat(one.timestamps()).hasSize(12).isEqualTo(three.timestamps());
  }

  @Test
  void refusesANegativeThreadCount() {
    assertThatThrownBy(() -> new FfmpegCameraSource("a", CameraUri.parse("/v.mp4"), Map.of(), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decoder threads");
  }

  private record Decoded(int workers, List<Long> timestamps) {}

  /** Decodes the whole video with {@code threads} decoder threads, counting the frame workers while it is open. */
  private static Decoded decode(Path video, int threads) throws Exception {
    int before = frameWorkers();
    FfmpegCameraSource source = new FfmpegCameraSource("pattern", CameraUri.parse(video.toString()), Map.of(), threads);
    try {
      source.open();
      List<Long> timestamps = new ArrayList<>();
      int workers = 0;
      for (GrabbedImage image = source.grab(); image != null; image = source.grab()) {
        workers = Math.max(workers, frameWorkers() - before);
        timestamps.add(image.mediaTimeUs());
      }
      return new Decoded(workers, timestamps);
    } finally {
      source.close();
    }
  }

  private static int frameWorkers() throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      return (int) tasks.filter(task -> {
        try {
          return Files.readString(task.resolve("comm")).startsWith("av:mpeg4:df");
        } catch (IOException e) {
          return false; // the thread ended while it was listed
        }
      }).count();
    }
  }
}
