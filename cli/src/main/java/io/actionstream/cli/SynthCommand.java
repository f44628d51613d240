package io.actionstream.cli;

import io.actionstream.training.report.Progress;
import io.actionstream.training.synth.SynthActionsWriter;
import io.actionstream.training.synth.SynthOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code actionstream synth}: writes a SynthActions data set. */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Generate SynthActions: articulated figures acting on textured backgrounds among still "
          + "look-alike figures, with camera shake and sensor noise; ten classes, six of them "
          + "three time-reversal pairs (the walks are mirror images). Writes videos, split lists and the actor's box per frame in "
          + "the UCF101 layout. Same seed, same data set."
    })
final class SynthCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Folder to write the data set to.")
  Path output;

  @Option(names = "--demo-video", paramLabel = "FILE",
      description = "Instead of a data set, write one continuous video of --demo-clips clips (16 frames each, the centre "
          + "of a rendered clip) and FILE's .labels.txt with each clip's first frame and class.")
  Path demoVideo;

  @Option(names = "--demo-clips", defaultValue = "30", description = "Clips in the demo video (default: ${DEFAULT-VALUE}).")
  int demoClips;

  @Option(names = "--clips-per-class", defaultValue = "150", description = "Clips of each class (default: ${DEFAULT-VALUE}).")
  int clipsPerClass;

  @Option(names = "--size", defaultValue = "128", description = "Video width and height in pixels (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--frames", defaultValue = "24", description = "Frames per clip (default: ${DEFAULT-VALUE}).")
  int frames;

  @Option(names = "--fps", defaultValue = "8", description = "Frame rate of the videos (default: ${DEFAULT-VALUE}).")
  double fps;

  @Option(names = "--seed", defaultValue = "7", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--max-distractors", defaultValue = "3", description = "Most still look-alike figures besides the actor; 0 for none (default: ${DEFAULT-VALUE}).")
  int maxDistractors;

  @Option(names = "--noise", defaultValue = "6", description = "Sensor noise, standard deviation in grey levels (default: ${DEFAULT-VALUE}).")
  double noise;

  @Option(names = "--jitter", defaultValue = "2", description = "Largest camera shake in pixels; 0 for a still camera (default: ${DEFAULT-VALUE}).")
  double jitter;

  @Option(names = "--test-fraction", defaultValue = "0.2", description = "Share of clips in the test list (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(names = "--threads", description = "Worker threads (default: the number of cores).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    SynthOptions options;
    try {
      options = new SynthOptions(seed, clipsPerClass, size, frames, fps, maxDistractors, noise, jitter, testFraction);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if ((output == null) == (demoVideo == null)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Give either --output DIR (a data set) or --demo-video FILE");
    }
    if (demoVideo != null) {
      var labels = io.actionstream.training.synth.DemoVideo.write(demoVideo, options, demoClips, 16);
      spec.commandLine().getOut().println("Wrote " + labels.size() + " clips to " + demoVideo.toAbsolutePath() + " and "
          + io.actionstream.training.synth.DemoVideo.labelsFile(demoVideo).getFileName());
      return 0;
    }
    SynthActionsWriter writer = new SynthActionsWriter(options);
    try (ProgressBar bar = Progress.bar("SynthActions", writer.clipCount())) {
      writer.write(output, threads != null ? threads : Runtime.getRuntime().availableProcessors(), done -> bar.stepTo(done));
    }
    spec.commandLine().getOut().println("Wrote " + writer.clipCount() + " clips to " + output.toAbsolutePath());
    return 0;
  }
}
