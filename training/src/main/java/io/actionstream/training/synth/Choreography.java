package io.actionstream.training.synth;

import java.util.Random;

/**
 * What the actor of one clip does, frame by frame: its pose and where it stands. Each action is
 * a pose trajectory with random timing (the motion fills 55-85% of the clip, starting at a
 * random frame), amplitude, speed, side and facing direction, so that two clips of a class are
 * never alike.
 */
public final class Choreography {

  /** A pose and the x position of the feet at one frame. */
  public record Step(Pose pose, double x) {}

  private final Step[] steps;

  private Choreography(Step[] steps) {
    this.steps = steps;
  }

  public Step at(int frame) {
    return steps[frame];
  }

  public int frames() {
    return steps.length;
  }

  /**
   * Plans {@code action} over {@code frames} frames for a figure of {@code figureHeight} pixels
   * in a frame {@code width} pixels wide.
   */
  public static Choreography plan(ActionClass action, Random random, int frames, double width, double figureHeight) {
    double duration = frames * (0.55 + 0.30 * random.nextDouble());
    double start = random.nextDouble() * (frames - duration);
    boolean facingLeft = random.nextBoolean();
    boolean leftArm = random.nextBoolean();
    double margin = figureHeight * 0.35;
    Step[] steps = new Step[frames];
    if (action == ActionClass.WALK_LEFT || action == ActionClass.WALK_RIGHT) {
      boolean left = action == ActionClass.WALK_LEFT;
      double distance = width * (0.30 + 0.15 * random.nextDouble());
      double speed = distance / frames;
      double x0 = left
          ? width - margin - random.nextDouble() * Math.max(1, width - 2 * margin - distance)
          : margin + random.nextDouble() * Math.max(1, width - 2 * margin - distance);
      double cycles = 1.2 + random.nextDouble();
      double phase = random.nextDouble() * 2 * Math.PI;
      double amplitude = 0.35 + 0.15 * random.nextDouble();
      for (int t = 0; t < frames; t++) {
        Pose pose = walking(2 * Math.PI * cycles * t / frames + phase, amplitude);
        steps[t] = new Step(left ? pose.mirrored() : pose, x0 + (left ? -speed : speed) * t);
      }
      return new Choreography(steps);
    }
    double x = margin + random.nextDouble() * (width - 2 * margin);
    double strength = 0.8 + 0.2 * random.nextDouble();
    for (int t = 0; t < frames; t++) {
      double p = smoothstep((t - start) / duration);
      Pose pose =
          switch (action) {
            case RAISE_ARM -> Pose.blend(Pose.STANDING, raisedArm(leftArm, strength), p);
            case LOWER_ARM -> Pose.blend(raisedArm(leftArm, strength), Pose.STANDING, p);
            case SIT_DOWN -> facing(Pose.blend(Pose.STANDING, sitting(strength), p), facingLeft);
            case STAND_UP -> facing(Pose.blend(sitting(strength), Pose.STANDING, p), facingLeft);
            case BEND_DOWN -> facing(Pose.blend(Pose.STANDING, bent(strength), p), facingLeft);
            case STRAIGHTEN_UP -> facing(Pose.blend(bent(strength), Pose.STANDING, p), facingLeft);
            case WAVE -> waving(leftArm, strength, (t - start) / duration, 2 + random.nextInt(2));
            case JUMP -> jumping((t - start) / duration, strength);
            default -> throw new IllegalStateException("walks are planned above");
          };
      steps[t] = new Step(pose, x);
    }
    return new Choreography(steps);
  }

  /** A random still pose for a distractor: standing, an arm up, sitting, bent, mid-stride... */
  public static Pose stillPose(Random random) {
    Pose base =
        switch (random.nextInt(7)) {
          case 0 -> Pose.STANDING;
          case 1 -> raisedArm(random.nextBoolean(), 0.6 + 0.4 * random.nextDouble());
          case 2 -> sitting(0.8 + 0.2 * random.nextDouble());
          case 3 -> bent(0.5 + 0.5 * random.nextDouble());
          case 4 -> walking(random.nextDouble() * 2 * Math.PI, 0.4);
          case 5 -> waving(random.nextBoolean(), 0.9, random.nextDouble(), 2);
          default -> Pose.blend(Pose.STANDING, raisedArm(true, 0.7), 0.5);
        };
    base = random.nextBoolean() ? base.mirrored() : base;
    double j = 0.12;
    return new Pose(
        base.torso() + j * random.nextGaussian() * 0.3,
        base.leftShoulder() + j * random.nextGaussian(),
        base.leftElbow() + j * random.nextGaussian(),
        base.rightShoulder() + j * random.nextGaussian(),
        base.rightElbow() + j * random.nextGaussian(),
        base.leftHip() + j * random.nextGaussian() * 0.5,
        base.leftKnee(),
        base.rightHip() + j * random.nextGaussian() * 0.5,
        base.rightKnee(),
        0);
  }

  private static Pose raisedArm(boolean left, double strength) {
    double up = Math.PI - 0.1 - 0.4 * (1 - strength) * 2;
    return left
        ? new Pose(Math.PI, -up, -0.15, 0.15, 0, -0.05, 0, 0.05, 0, 0)
        : new Pose(Math.PI, -0.15, 0, up, 0.15, -0.05, 0, 0.05, 0, 0);
  }

  /** Sitting, seen from the side, facing right. */
  private static Pose sitting(double strength) {
    double thigh = (Math.PI / 2 - 0.05) * strength;
    return new Pose(Math.PI - 0.15 * strength, 0.55, 0.4, 0.65, 0.35, thigh, -thigh, thigh - 0.08, -thigh + 0.08, 0);
  }

  /** Bent forward at the hips, seen from the side, facing right; arms hang. */
  private static Pose bent(double strength) {
    double torso = Math.PI - (Math.PI / 2 - 0.15) * strength;
    return new Pose(torso, 0.05, 0, 0.12, 0, -0.12, 0, -0.05, 0, 0);
  }

  /** One moment of a walk cycle, seen from the side, facing right. */
  private static Pose walking(double phase, double amplitude) {
    double swing = Math.sin(phase);
    double leftKnee = -0.5 * (0.5 + 0.5 * Math.sin(phase - Math.PI / 2));
    double rightKnee = -0.5 * (0.5 + 0.5 * Math.sin(phase + Math.PI / 2));
    return new Pose(
        Math.PI - 0.06, -0.8 * amplitude * swing, 0.25, 0.8 * amplitude * swing, 0.25,
        amplitude * swing, leftKnee, -amplitude * swing, rightKnee, 0);
  }

  private static Pose waving(boolean left, double strength, double u, int cycles) {
    double up = Math.PI - 0.5 - 0.3 * (1 - strength);
    double wag = u < 0 || u > 1 ? 0 : 0.5 * Math.sin(2 * Math.PI * cycles * u);
    return left
        ? new Pose(Math.PI, -up, -0.45 + wag, 0.15, 0, -0.05, 0, 0.05, 0, 0)
        : new Pose(Math.PI, -0.15, 0, up, 0.45 + wag, -0.05, 0, 0.05, 0, 0);
  }

  /** One or two jumps spread over the motion window: crouch, flight with arms up, landing. */
  private static Pose jumping(double u, double strength) {
    if (u < 0 || u > 1) {
      return Pose.STANDING;
    }
    double local = (u * 2) % 1.0;
    Pose crouch = new Pose(Math.PI - 0.25, -0.5, -0.3, 0.5, 0.3, -0.35, 0.75, 0.35, -0.75, 0);
    Pose flight = new Pose(Math.PI, -2.6, -0.2, 2.6, 0.2, -0.1, 0.1, 0.1, -0.1, 0.22 * strength);
    if (local < 0.25) {
      return Pose.blend(Pose.STANDING, crouch, smoothstep(local / 0.25));
    }
    if (local < 0.85) {
      double q = (local - 0.25) / 0.6;
      Pose air = Pose.blend(crouch, flight, smoothstep(Math.min(1, q * 3)));
      return new Pose(air.torso(), air.leftShoulder(), air.leftElbow(), air.rightShoulder(), air.rightElbow(),
          air.leftHip(), air.leftKnee(), air.rightHip(), air.rightKnee(), 0.22 * strength * Math.sin(Math.PI * q));
    }
    return Pose.blend(crouch, Pose.STANDING, smoothstep((local - 0.85) / 0.15));
  }

  private static Pose facing(Pose pose, boolean left) {
    return left ? pose.mirrored() : pose;
  }

  private static double smoothstep(double s) {
    double c = Math.max(0, Math.min(1, s));
    return c * c * (3 - 2 * c);
  }
}
