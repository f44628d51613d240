package io.actionstream.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.TestSpecs;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.Region;
import org.junit.jupiter.api.Test;

class FrameGeometryTest {

  private static ModelSpec spec(String resize, int shortSide) {
    return TestSpecs.spec(16, 112, 112, resize, shortSide, 4, 14, 14, 0, 1);
  }

  @Test
  void aCentreCropOfALetterboxedFrameMapsBackToTheSource() {
    // 640x480 camera letterboxed by the ingest into 224x224: picture 224x168 at y 28.
    Frame frame = Frame.newBuilder().setWidth(224).setHeight(224).setSourceWidth(640).setSourceHeight(480)
        .setImageRegion(Region.newBuilder().setX(0).setY(28).setWidth(224).setHeight(168))
        .setSourceRegion(Region.newBuilder().setWidth(640).setHeight(480)).build();
    // The model scales the picture's short side (168) to 128: 171x128, and keeps the centre 112x112.
    FrameGeometry g = ClipPreprocessor.geometry(frame, spec(ModelContract.SHORT_SIDE_CENTRE_CROP, 128));

    double scale = 128.0 / 168;
    int resizedW = (int) Math.round(224 * scale);
    double cropX = (resizedW - 112) / 2;
    // the model's centre pixel is the source's centre
    assertThat(g.x(56 - cropX + cropX)).isCloseTo((cropX + 56) / resizedW, offset(1e-9));
    assertThat(g.x(56)).isCloseTo(0.5, offset(0.01));
    assertThat(g.y(56)).isCloseTo(0.5, offset(0.01));
    // the model's left edge is cropX resized pixels into the picture
    assertThat(g.x(0)).isCloseTo(cropX / resizedW, offset(1e-9));
    assertThat(g.y(0)).isCloseTo(8.0 / 128, offset(1e-9));
  }

  @Test
  void aStretchedWholeFrameMapsCornerToCorner() {
    Frame frame = Frame.newBuilder().setWidth(224).setHeight(224).build();
    FrameGeometry g = ClipPreprocessor.geometry(frame, spec(ModelContract.STRETCH, 0));
    assertThat(g.x(0)).isZero();
    assertThat(g.x(112)).isEqualTo(1.0);
    assertThat(g.y(56)).isCloseTo(0.5, offset(1e-9));
  }
}
