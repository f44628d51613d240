package io.actionstream.training.synth;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Writes a SynthActions data set in the layout of UCF101, so that training reads it through the
 * same loader as real data:
 *
 * <pre>
 * classInd.txt                       "1 raise_arm" ...
 * trainlist01.txt                    "raise_arm/v_raise_arm_g08_c001.avi 1" ...
 * testlist01.txt                     "raise_arm/v_raise_arm_g01_c002.avi" ...
 * raise_arm/v_raise_arm_g08_c001.avi MPEG-4 video
 * boxes/raise_arm/v_raise_arm_g08_c001.txt   one line per frame: "frame x y width height"
 * synthactions.json                  the options the set was made with
 * </pre>
 *
 * Clips are spread over 25 groups as in UCF101; the first groups form the test list, so no
 * clip's near-twin is split across train and test. Same options, same files.
 */
public final class SynthActionsWriter {

  private static final int GROUPS = 25;

  private final SynthOptions options;

  public SynthActionsWriter(SynthOptions options) {
    this.options = options;
  }

  /** Writes the whole set into {@code root}; {@code progress} hears of every finished clip. */
  public void write(Path root, int threads, IntConsumer progress) throws IOException {
    Files.createDirectories(root);
    ActionClass[] classes = ActionClass.values();
    // Small sets use fewer groups; the test share applies to the groups actually used.
    int groupsUsed = Math.min(GROUPS, options.clipsPerClass());
    int testGroups = Math.max(1, (int) Math.round(groupsUsed * options.testFraction()));
    List<String> train = new ArrayList<>();
    List<String> test = new ArrayList<>();
    List<ClipJob> jobs = new ArrayList<>();
    for (int c = 0; c < classes.length; c++) {
      ActionClass action = classes[c];
      Files.createDirectories(root.resolve(action.label()));
      Files.createDirectories(root.resolve("boxes").resolve(action.label()));
      for (int i = 0; i < options.clipsPerClass(); i++) {
        int group = i % GROUPS + 1;
        String name = String.format(Locale.ROOT, "v_%s_g%02d_c%03d", action.label(), group, i / GROUPS + 1);
        String relative = action.label() + "/" + name + ".avi";
        if (group <= testGroups) {
          test.add(relative);
        } else {
          train.add(relative + " " + (c + 1));
        }
        long seed = options.seed() * 1_000_003L + (long) c * 100_003L + i;
        jobs.add(new ClipJob(action, seed, root.resolve(relative), root.resolve("boxes").resolve(action.label()).resolve(name + ".txt")));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (ClipJob job : jobs) {
        futures.add(pool.submit(() -> {
          writeClip(job);
          return null;
        }));
      }
      int done = 0;
      for (Future<?> future : futures) {
        future.get();
        progress.accept(++done);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing SynthActions", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("writing a SynthActions clip failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    List<String> classInd = new ArrayList<>();
    for (int c = 0; c < classes.length; c++) {
      classInd.add((c + 1) + " " + classes[c].label());
    }
    Files.write(root.resolve("classInd.txt"), classInd);
    Files.write(root.resolve("trainlist01.txt"), train);
    Files.write(root.resolve("testlist01.txt"), test);
    Files.writeString(root.resolve("synthactions.json"), describe());
  }

  /** Number of clips {@link #write} produces. */
  public int clipCount() {
    return options.clipsPerClass() * ActionClass.values().length;
  }

  private record ClipJob(ActionClass action, long seed, Path video, Path boxes) {}

  private void writeClip(ClipJob job) {
    ClipRenderer.RenderedClip clip = new ClipRenderer(options).render(job.action(), job.seed());
    try (FFmpegFrameRecorder recorder =
            new FFmpegFrameRecorder(job.video().toFile(), options.size(), options.size(), 0);
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      recorder.setFormat("avi");
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(options.fps());
      recorder.setGopSize(12);
      recorder.setVideoQuality(3);
      // one thread: the encoder is then deterministic, and clips are written in parallel anyway
      recorder.setVideoOption("threads", "1");
      recorder.start();
      for (BufferedImage frame : clip.frames()) {
        recorder.record(converter.convert(frame));
      }
      recorder.stop();
    } catch (org.bytedeco.javacv.FrameRecorder.Exception e) {
      throw new IllegalStateException("cannot write " + job.video() + ": " + e.getMessage(), e);
    }
    List<String> lines = new ArrayList<>();
    for (int t = 0; t < clip.actorBoxes().size(); t++) {
      Rectangle b = clip.actorBoxes().get(t);
      lines.add(t + " " + b.x + " " + b.y + " " + b.width + " " + b.height);
    }
    try {
      Files.write(job.boxes(), lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String describe() {
    return String.format(Locale.ROOT,
        "{%n  \"dataset\": \"SynthActions\",%n  \"version\": 1,%n  \"seed\": %d,%n  \"clipsPerClass\": %d,%n"
            + "  \"size\": %d,%n  \"frames\": %d,%n  \"fps\": %s,%n  \"maxDistractors\": %d,%n"
            + "  \"noise\": %s,%n  \"jitter\": %s,%n  \"testFraction\": %s%n}%n",
        options.seed(), options.clipsPerClass(), options.size(), options.frames(), options.fps(),
        options.maxDistractors(), options.noise(), options.jitter(), options.testFraction());
  }
}
