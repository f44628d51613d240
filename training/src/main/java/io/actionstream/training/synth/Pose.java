package io.actionstream.training.synth;

/**
 * Joint angles of a stick figure, in radians. Every limb points in direction {@code (sin a, cos
 * a)} on screen (y grows downwards): 0 is straight down, pi/2 towards the right of the image, pi
 * straight up. The torso angle is the direction from the hips to the neck (pi when upright);
 * shoulders and hips give the upper limbs' directions; elbows and knees are added to them for
 * the lower limbs. {@code lift} raises the whole figure off the ground, as a fraction of its
 * height (jumps). The hips sit as high as the legs reach: the lower foot is on the ground.
 */
public record Pose(
    double torso,
    double leftShoulder,
    double leftElbow,
    double rightShoulder,
    double rightElbow,
    double leftHip,
    double leftKnee,
    double rightHip,
    double rightKnee,
    double lift) {

  /** Standing upright, arms hanging slightly away from the body. */
  public static final Pose STANDING = new Pose(Math.PI, -0.15, 0, 0.15, 0, -0.05, 0, 0.05, 0, 0);

  /** Linear blend between two poses: {@code a} at {@code s = 0}, {@code b} at {@code s = 1}. */
  public static Pose blend(Pose a, Pose b, double s) {
    return new Pose(
        lerp(a.torso, b.torso, s),
        lerp(a.leftShoulder, b.leftShoulder, s),
        lerp(a.leftElbow, b.leftElbow, s),
        lerp(a.rightShoulder, b.rightShoulder, s),
        lerp(a.rightElbow, b.rightElbow, s),
        lerp(a.leftHip, b.leftHip, s),
        lerp(a.leftKnee, b.leftKnee, s),
        lerp(a.rightHip, b.rightHip, s),
        lerp(a.rightKnee, b.rightKnee, s),
        lerp(a.lift, b.lift, s));
  }

  /** The pose seen in a mirror: left and right swap and every angle turns the other way. */
  public Pose mirrored() {
    return new Pose(
        2 * Math.PI - torso, -rightShoulder, -rightElbow, -leftShoulder, -leftElbow, -rightHip,
        -rightKnee, -leftHip, -leftKnee, lift);
  }

  private static double lerp(double a, double b, double s) {
    return a + (b - a) * s;
  }
}
