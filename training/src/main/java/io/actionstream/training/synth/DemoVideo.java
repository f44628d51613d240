package io.actionstream.training.synth;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * One continuous SynthActions video for demos and end-to-end tests: clips of random classes
 * back to back, each cut to the centre {@code clipFrames} frames of a rendered clip (exactly what
 * evaluation sees), with sidecars {@code VIDEO.labels.txt} (per clip: first frame, class) and
 * {@code VIDEO.boxes.txt} (per frame: frame, x, y, width, height of the actor in video pixels).
 * A camera that plays the video from the start cuts it into the same clips.
 */
public final class DemoVideo {

  private DemoVideo() {}

  /** Writes {@code clips} clips of {@code clipFrames} frames (rendered with {@code options}) to {@code video}. */
  public static List<ActionClass> write(Path video, SynthOptions options, int clips, int clipFrames) throws IOException {
    if (options.frames() < clipFrames) {
      throw new IllegalArgumentException("rendered clips of " + options.frames() + " frames cannot give " + clipFrames);
    }
    Random random = new Random(options.seed());
    ClipRenderer renderer = new ClipRenderer(options);
    List<ActionClass> labels = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    List<String> boxLines = new ArrayList<>();
    int skip = (options.frames() - clipFrames) / 2;
    if (video.toAbsolutePath().getParent() != null) {
      Files.createDirectories(video.toAbsolutePath().getParent());
    }
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(video.toFile(), options.size(), options.size(), 0);
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      recorder.setFormat(video.toString().endsWith(".mp4") ? "mp4" : "avi");
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(options.fps());
      recorder.setGopSize(clipFrames);
      recorder.setVideoQuality(3);
      recorder.setVideoOption("threads", "1");
      recorder.start();
      for (int c = 0; c < clips; c++) {
        ActionClass action = ActionClass.values()[random.nextInt(ActionClass.values().length)];
        ClipRenderer.RenderedClip clip = renderer.render(action, random.nextLong());
        for (int t = skip; t < skip + clipFrames; t++) {
          recorder.record(converter.convert(clip.frames().get(t)));
          java.awt.Rectangle b = clip.actorBoxes().get(t);
          boxLines.add((c * clipFrames + t - skip) + " " + b.x + " " + b.y + " " + b.width + " " + b.height);
        }
        labels.add(action);
        lines.add(c * clipFrames + " " + action.label());
      }
      recorder.stop();
    } catch (FrameRecorder.Exception e) {
      throw new IOException("cannot write " + video + ": " + e.getMessage(), e);
    }
    Files.write(labelsFile(video), lines);
    Files.write(sidecar(video, ".boxes.txt"), boxLines);
    return labels;
  }

  /** The sidecar of a demo video: {@code NAME.labels.txt} next to it. */
  public static Path labelsFile(Path video) {
    return sidecar(video, ".labels.txt");
  }

  /** The actor-box sidecar of a demo video: {@code NAME.boxes.txt} next to it. */
  public static Path boxesFile(Path video) {
    return sidecar(video, ".boxes.txt");
  }

  private static Path sidecar(Path video, String suffix) {
    String name = video.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return video.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + suffix);
  }
}
