package io.actionstream.model.frame;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResizePlanTest {

  @Test
  void fitLetterboxesAndKeepsTheWholeSource() {
    ResizePlan plan = ResizePlan.of(ResizeMode.FIT, 640, 480, 224, 224);

    assertThat(plan.scaledWidth()).isEqualTo(224);
    assertThat(plan.scaledHeight()).isEqualTo(168);
    assertThat(plan.imageRegion()).isEqualTo(new PixelRect(0, 28, 224, 168));
    assertThat(plan.sourceRegion()).isEqualTo(new PixelRect(0, 0, 640, 480));
  }

  @Test
  void fitPillarboxesATallSource() {
    ResizePlan plan = ResizePlan.of(ResizeMode.FIT, 480, 640, 224, 224);

    assertThat(plan.imageRegion()).isEqualTo(new PixelRect(28, 0, 168, 224));
  }

  @Test
  void cropCutsTheCentreOutOfAWideSource() {
    ResizePlan plan = ResizePlan.of(ResizeMode.CROP, 640, 480, 224, 224);

    assertThat(plan.scaledWidth()).isEqualTo(299);
    assertThat(plan.scaledHeight()).isEqualTo(224);
    assertThat(plan.crop()).isEqualTo(new PixelRect(37, 0, 224, 224));
    // the centre 480x480 of the source, give or take rounding of the scaled size
    assertThat(plan.sourceRegion().x()).isBetween(79, 81);
    assertThat(plan.sourceRegion().width()).isBetween(479, 481);
    assertThat(plan.sourceRegion().height()).isEqualTo(480);
    assertThat(plan.imageRegion()).isEqualTo(new PixelRect(0, 0, 224, 224));
  }

  @Test
  void stretchUsesEverythingAndChangesTheAspectRatio() {
    ResizePlan plan = ResizePlan.of(ResizeMode.STRETCH, 1920, 1080, 224, 224);

    assertThat(plan.scaledIsFrame()).isTrue();
    assertThat(plan.sourceRegion()).isEqualTo(new PixelRect(0, 0, 1920, 1080));
    assertThat(plan.imageRegion()).isEqualTo(new PixelRect(0, 0, 224, 224));
  }

  @Test
  void mappingAFramePointBackLandsOnTheSamePointOfTheSource() {
    // A point at 3/4 of the way across the picture part of the frame must map to 3/4 of the way
    // across the source region, for every mode.
    for (ResizeMode mode : ResizeMode.values()) {
      ResizePlan plan = ResizePlan.of(mode, 1280, 720, 320, 240);
      PixelRect image = plan.imageRegion();
      PixelRect source = plan.sourceRegion();
      double frameX = image.x() + 0.75 * image.width();
      double sourceX = source.x() + (frameX - image.x()) * source.width() / image.width();
      assertThat(sourceX).as(mode.name()).isCloseTo(source.x() + 0.75 * source.width(), org.assertj.core.data.Offset.offset(0.5));
      assertThat(source.x() + source.width()).as(mode + " stays inside the source").isLessThanOrEqualTo(1280);
    }
  }
}
