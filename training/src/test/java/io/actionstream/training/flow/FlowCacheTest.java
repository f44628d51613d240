package io.actionstream.training.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.training.dataset.DecodedVideo;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FlowCacheTest {

  @TempDir Path dir;

  /**
   * A textured square moves 2 px right per frame while the whole textured scene shakes 1 px
   * down: after the median (camera) motion is removed, the square flows right and the
   * background stands still.
   */
  @ParameterizedTest
  @EnumSource(FlowMethod.class)
  void flowPointsTheWayTheObjectMovesWithCameraShakeRemoved(FlowMethod method) {
    int size = 96;
    int frames = 3;
    ByteBuffer pixels = ByteBuffer.allocate(frames * size * size * 3);
    for (int t = 0; t < frames; t++) {
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          int sy = y - t; // camera shake: the scene moves down by t
          int value = ((Math.floorDiv(x, 8) + Math.floorDiv(sy, 8)) % 2 == 0) ? 60 : 110;
          int sx = x - 2 * t;
          if (sx >= 32 && sx < 60 && sy >= 32 && sy < 60) {
            value = (int) (140 + 60 * Math.sin(sx / 3.0) * Math.cos(sy / 4.0)); // the object's own texture
          }
          int p = ((t * size + y) * size + x) * 3;
          pixels.put(p, (byte) value).put(p + 1, (byte) value).put(p + 2, (byte) value);
        }
      }
    }
    DecodedVideo video = new DecodedVideo(frames, size, size, 8, pixels, null, null);

    FlowField field = new FlowCache(dir, method, 4f).load("square", video);

    assertThat(field.pairs()).isEqualTo(2);
    double objectDx = mean(field, 0, 40, 54, 0);
    double backgroundDx = mean(field, 0, 4, 20, 0);
    double backgroundDy = mean(field, 0, 4, 20, 1);
    assertThat(objectDx).as("object moves right (2 px of +-4 px = 0.5)").isGreaterThan(0.25);
    assertThat(Math.abs(backgroundDx)).isLessThan(0.1);
    assertThat(Math.abs(backgroundDy)).as("camera shake removed").isLessThan(0.1);
    assertThat(dir.toFile().list()).anyMatch(name -> name.startsWith("square." + method.label()));
  }

  @ParameterizedTest
  @EnumSource(FlowMethod.class)
  void aSecondLoadReadsTheCacheInsteadOfComputing(FlowMethod method) throws Exception {
    DecodedVideo video = new DecodedVideo(2, 16, 16, 8, ByteBuffer.allocate(2 * 16 * 16 * 3), null, null);
    new FlowCache(dir, method, 4f).load("v", video);
    Path file;
    try (var files = Files.list(dir)) {
      file = files.filter(f -> f.getFileName().toString().endsWith(".flow")).findFirst().orElseThrow();
    }
    long written = Files.getLastModifiedTime(file).toMillis();
    Thread.sleep(20);
    new FlowCache(dir, method, 4f).load("v", video);
    assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(written);
  }

  /** Mean of one flow component over a square region [from, to) of pair t, in [-1, 1]. */
  private static double mean(FlowField field, int t, int from, int to, int component) {
    double sum = 0;
    int n = 0;
    for (int y = from; y < to; y++) {
      for (int x = from; x < to; x++) {
        sum += field.values().get(field.offset(t, y, x) + component) / 127.0;
        n++;
      }
    }
    return sum / n;
  }
}
