package io.actionstream.training.synth;

/**
 * Parameters of a SynthActions data set.
 *
 * @param seed makes the whole set reproducible: same seed, same videos
 * @param clipsPerClass clips of each of the ten classes
 * @param size width and height of the videos in pixels
 * @param frames frames per clip
 * @param fps frame rate of the videos
 * @param maxDistractors at most this many still look-alike figures besides the actor (at least one
 *     of them when above 0; 0 for none, the difficulty ablation)
 * @param noise standard deviation of the per-pixel sensor noise, in 8-bit grey levels
 * @param jitter largest camera shake, in pixels
 * @param testFraction share of clips (by group, as in UCF101) in the test list
 */
public record SynthOptions(
    long seed,
    int clipsPerClass,
    int size,
    int frames,
    double fps,
    int maxDistractors,
    double noise,
    double jitter,
    double testFraction) {

  public static final SynthOptions DEFAULTS = new SynthOptions(7, 150, 128, 24, 8, 3, 6, 2.0, 0.2);

  public SynthOptions {
    if (clipsPerClass < 1 || size < 32 || frames < 4 || fps <= 0 || maxDistractors < 0
        || noise < 0 || jitter < 0 || testFraction <= 0 || testFraction >= 1) {
      throw new IllegalArgumentException("invalid SynthActions options: " + this);
    }
  }

  public SynthOptions withClipsPerClass(int clips) {
    return new SynthOptions(seed, clips, size, frames, fps, maxDistractors, noise, jitter, testFraction);
  }

  public SynthOptions withSize(int pixels) {
    return new SynthOptions(seed, clipsPerClass, pixels, frames, fps, maxDistractors, noise, jitter, testFraction);
  }

  public SynthOptions withFrames(int count) {
    return new SynthOptions(seed, clipsPerClass, size, count, fps, maxDistractors, noise, jitter, testFraction);
  }

  public SynthOptions withSeed(long value) {
    return new SynthOptions(value, clipsPerClass, size, frames, fps, maxDistractors, noise, jitter, testFraction);
  }
}
