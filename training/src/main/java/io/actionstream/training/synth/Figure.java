package io.actionstream.training.synth;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;

/**
 * A stick figure in one pose at one place: where its joints are, how to draw it, and the box
 * around it. Proportions follow a simple human canon, as fractions of the figure's height.
 */
public final class Figure {

  private static final double HEAD = 0.075;
  private static final double NECK = 0.09;
  private static final double TORSO = 0.30;
  private static final double UPPER_ARM = 0.15;
  private static final double FOREARM = 0.14;
  private static final double THIGH = 0.23;
  private static final double SHIN = 0.22;

  private final FigureStyle style;
  private final Point2D hip;
  private final Point2D neck;
  private final Point2D head;
  private final Point2D[] leftArm;
  private final Point2D[] rightArm;
  private final Point2D[] leftLeg;
  private final Point2D[] rightLeg;

  /**
   * Places a figure whose lower foot stands on the ground at {@code (x, groundY)}, minus {@code
   * pose.lift()} of its height when it jumps.
   */
  public Figure(FigureStyle style, Pose pose, double x, double groundY) {
    this.style = style;
    double h = style.height();
    double legReach =
        Math.max(
            reach(pose.leftHip(), pose.leftHip() + pose.leftKnee()),
            reach(pose.rightHip(), pose.rightHip() + pose.rightKnee()));
    hip = new Point2D.Double(x, groundY - legReach * h - pose.lift() * h);
    neck = step(hip, pose.torso(), TORSO * h);
    head = step(neck, pose.torso(), (NECK + HEAD) * h);
    leftArm = limb(neck, pose.leftShoulder(), pose.leftElbow(), UPPER_ARM * h, FOREARM * h);
    rightArm = limb(neck, pose.rightShoulder(), pose.rightElbow(), UPPER_ARM * h, FOREARM * h);
    leftLeg = limb(hip, pose.leftHip(), pose.leftKnee(), THIGH * h, SHIN * h);
    rightLeg = limb(hip, pose.rightHip(), pose.rightKnee(), THIGH * h, SHIN * h);
  }

  /** Vertical distance from hip to foot, as a fraction of the height. */
  private static double reach(double thigh, double shin) {
    return THIGH * Math.cos(thigh) + SHIN * Math.cos(shin);
  }

  private static Point2D step(Point2D from, double angle, double length) {
    return new Point2D.Double(from.getX() + Math.sin(angle) * length, from.getY() + Math.cos(angle) * length);
  }

  private static Point2D[] limb(Point2D root, double upper, double lower, double upperLength, double lowerLength) {
    Point2D joint = step(root, upper, upperLength);
    return new Point2D[] {root, joint, step(joint, upper + lower, lowerLength)};
  }

  /** Draws the figure; legs first, then torso and arms, then the head. */
  public void draw(Graphics2D g, double dx, double dy) {
    g.setStroke(new BasicStroke(style.thickness(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.setColor(style.trousers());
    line(g, leftLeg, dx, dy);
    line(g, rightLeg, dx, dy);
    g.setColor(style.shirt());
    g.draw(new Line2D.Double(hip.getX() + dx, hip.getY() + dy, neck.getX() + dx, neck.getY() + dy));
    line(g, leftArm, dx, dy);
    line(g, rightArm, dx, dy);
    g.setColor(style.skin());
    double r = HEAD * style.height();
    g.fill(new Ellipse2D.Double(head.getX() - r + dx, head.getY() - r + dy, 2 * r, 2 * r));
  }

  private static void line(Graphics2D g, Point2D[] points, double dx, double dy) {
    for (int i = 1; i < points.length; i++) {
      g.draw(new Line2D.Double(
          points[i - 1].getX() + dx, points[i - 1].getY() + dy, points[i].getX() + dx, points[i].getY() + dy));
    }
  }

  /** The box around everything drawn, limb thickness included. */
  public Rectangle2D bounds() {
    double r = HEAD * style.height();
    Rectangle2D box = new Rectangle2D.Double(head.getX() - r, head.getY() - r, 2 * r, 2 * r);
    for (Point2D[] limb : new Point2D[][] {leftArm, rightArm, leftLeg, rightLeg, {hip, neck}}) {
      for (Point2D p : limb) {
        box.add(p);
      }
    }
    double pad = style.thickness() / 2.0;
    return new Rectangle2D.Double(box.getX() - pad, box.getY() - pad, box.getWidth() + 2 * pad, box.getHeight() + 2 * pad);
  }
}
