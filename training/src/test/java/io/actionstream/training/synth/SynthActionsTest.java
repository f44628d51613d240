package io.actionstream.training.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthActionsTest {

  @TempDir Path dir;

  private static final SynthOptions TINY = SynthOptions.DEFAULTS.withClipsPerClass(2).withSize(48).withFrames(8);

  @Test
  void theSameSeedWritesTheSameDataSetAndAnotherSeedAnotherOne() throws Exception {
    new SynthActionsWriter(TINY).write(dir.resolve("a"), 2, done -> {});
    new SynthActionsWriter(TINY).write(dir.resolve("b"), 1, done -> {});
    new SynthActionsWriter(TINY.withSeed(8)).write(dir.resolve("c"), 2, done -> {});
    String video = "walk_left/v_walk_left_g01_c001.avi";
    String boxes = "boxes/walk_left/v_walk_left_g01_c001.txt";

    assertThat(Files.readAllBytes(dir.resolve("a").resolve(video))).isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(video)));
    assertThat(Files.readAllLines(dir.resolve("a").resolve(boxes))).isEqualTo(Files.readAllLines(dir.resolve("b").resolve(boxes)));
    assertThat(Files.readAllBytes(dir.resolve("a").resolve(video))).isNotEqualTo(Files.readAllBytes(dir.resolve("c").resolve(video)));
  }

  @Test
  void writesTheUcf101LayoutWithTenClassesAndAGroupedSplit() throws Exception {
    new SynthActionsWriter(TINY.withClipsPerClass(25)).write(dir, 2, done -> {});

    assertThat(Files.readAllLines(dir.resolve("classInd.txt"))).hasSize(10).first().isEqualTo("1 raise_arm");
    List<String> test = Files.readAllLines(dir.resolve("testlist01.txt"));
    List<String> train = Files.readAllLines(dir.resolve("trainlist01.txt"));
    assertThat(test).hasSize(50); // groups 1-5 of 25, for each of 10 classes
    assertThat(train).hasSize(200).allMatch(line -> line.matches("\\w+/v_\\w+_g(0[6-9]|1\\d|2[0-5])_c\\d{3}\\.avi \\d+"));
  }

  @Test
  void everyFrameHasTheActorsBoxInsideTheFrame() {
    ClipRenderer renderer = new ClipRenderer(TINY);
    for (ActionClass action : ActionClass.values()) {
      ClipRenderer.RenderedClip clip = renderer.render(action, 99);
      assertThat(clip.frames()).hasSize(8);
      for (Rectangle box : clip.actorBoxes()) {
        assertThat(box.width).as(action.label()).isGreaterThan(3);
        assertThat(box.height).isGreaterThan(10);
        assertThat(new Rectangle(0, 0, 48, 48).contains(box)).isTrue();
      }
    }
  }

  @Test
  void theActorMovesWhileDistractorsStandStill() {
    // Sum of absolute frame differences inside vs outside the actor's boxes: motion is where the actor is.
    ClipRenderer renderer = new ClipRenderer(TINY.withSize(96));
    ClipRenderer.RenderedClip clip = renderer.render(ActionClass.WALK_RIGHT, 5);
    double inside = 0;
    double outside = 0;
    long insidePixels = 0;
    long outsidePixels = 0;
    for (int t = 1; t < clip.frames().size(); t++) {
      Rectangle a = clip.actorBoxes().get(t).union(clip.actorBoxes().get(t - 1));
      for (int y = 0; y < 96; y++) {
        for (int x = 0; x < 96; x++) {
          double d = Math.abs(grey(clip.frames().get(t).getRGB(x, y)) - grey(clip.frames().get(t - 1).getRGB(x, y)));
          if (a.contains(x, y)) {
            inside += d;
            insidePixels++;
          } else {
            outside += d;
            outsidePixels++;
          }
        }
      }
    }
    assertThat(inside / insidePixels).isGreaterThan(2 * outside / outsidePixels);
  }

  @Test
  void reversalAndFlipPairsAreConsistent() {
    for (ActionClass action : ActionClass.values()) {
      assertThat(action.reversed().reversed()).isEqualTo(action);
      assertThat(action.flipped().flipped()).isEqualTo(action);
    }
    assertThat(ActionClass.values()).filteredOn(ActionClass::hasReversalPartner).hasSize(6);
    assertThat(ActionClass.SIT_DOWN.reversed()).isEqualTo(ActionClass.STAND_UP);
    // mirror images, not time reversals: left out of the reversal metric
    assertThat(ActionClass.WALK_LEFT.hasReversalPartner()).isFalse();
    assertThat(ActionClass.WALK_LEFT.flipped()).isEqualTo(ActionClass.WALK_RIGHT);
    assertThat(ActionClass.RAISE_ARM.flipped()).isEqualTo(ActionClass.RAISE_ARM);
  }

  private static double grey(int rgb) {
    return ((rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) + (rgb & 0xFF)) / 3.0;
  }
}
