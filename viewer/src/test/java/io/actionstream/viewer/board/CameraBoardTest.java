package io.actionstream.viewer.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.AttentionMap;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.LabelScore;
import io.actionstream.schemas.v1.Region;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The viewer's memory stays bounded and its frame rate capped, whatever the topics carry. */
class CameraBoardTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void framesOfACameraPassAtMostAtTheCappedRateAndTheLatestIsKept() {
    CameraBoard board = new CameraBoard(5, SECOND / 4, 10);
    int passed = 0;
    // 8 frames/s for 2 s, capped at 4/s
    for (int i = 0; i < 16; i++) {
      passed += board.frame(frame("gate", i), i * SECOND / 8).isPresent() ? 1 : 0;
    }
    assertThat(passed).isEqualTo(8);
    assertThat(board.snapshot().get("gate").frame().sequence()).isEqualTo(14);
  }

  @Test
  void framesAtTheCapsOwnRateWithJitterAllPassButAFloodIsHeldToTheCap() {
    CameraBoard board = new CameraBoard(5, SECOND / 8, 10);
    int passed = 0;
    long t = 0;
    for (int i = 0; i < 80; i++) {
      t += i % 2 == 0 ? SECOND / 10 : SECOND * 3 / 20; // 8 fps on average, alternating 100 and 150 ms
      passed += board.frame(frame("gate", i), t).isPresent() ? 1 : 0;
    }
    assertThat(passed).as("of 80 frames at 8 fps with jitter, capped at 8 fps").isGreaterThanOrEqualTo(79);
    int flood = 0;
    for (int i = 0; i < 100; i++) {
      flood += board.frame(frame("yard", i), i * SECOND / 100).isPresent() ? 1 : 0; // 100 fps for 1 s
    }
    assertThat(flood).as("of 100 frames in 1 s, capped at 8 fps").isBetween(8, 10);
  }

  @Test
  void eachCameraKeepsItsLastEventsOnlyAndTheCameraSeenLongestAgoIsForgotten() {
    CameraBoard board = new CameraBoard(3, 0, 2);
    for (int i = 0; i < 10; i++) {
      board.event(event("gate", "e" + i));
    }
    assertThat(board.snapshot().get("gate").events()).extracting(EventView::eventId).containsExactly("e7", "e8", "e9");
    board.event(event("yard", "y1"));
    board.frame(frame("gate", 1), 0);
    board.event(event("dock", "d1"));
    assertThat(board.snapshot()).containsOnlyKeys("gate", "dock");
    assertThat(board.cameras()).isEqualTo(2);
  }

  @Test
  void viewsCarryWhereTheSourceLiesInTheImageAndTheMapWithItsRegion() {
    Frame frame = frame("gate", 3).toBuilder().setSourceWidth(640).setSourceHeight(480)
        .setSourceRegion(Region.newBuilder().setWidth(640).setHeight(480))
        .setImageRegion(Region.newBuilder().setX(0).setY(28).setWidth(224).setHeight(168)).build();
    FrameView view = FrameView.of(frame);
    assertThat(view.imageRegion()).isEqualTo(new FrameView.Box(0, 28, 224, 168));
    assertThat(Base64.getDecoder().decode(view.jpeg())).containsExactly(1, 2, 3);

    EventView event = EventView.of(event("gate", "e1").toBuilder().setAttentionMap(AttentionMap.newBuilder().setWidth(2)
        .setHeight(1).setValues(ByteString.copyFrom(new byte[] {0, (byte) 255})).setXMin(-0.1f).setXMax(1.1f).setYMax(1)).build());
    assertThat(event.map().xMin()).isCloseTo(-0.1, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(Base64.getDecoder().decode(event.map().values())).containsExactly(0, 255);
    assertThat(EventView.of(event("gate", "e2")).map()).as("an event without a map").isNull();
  }

  private static Frame frame(String camera, long sequence) {
    return Frame.newBuilder().setCameraId(camera).setSequenceNumber(sequence).setWidth(224).setHeight(224)
        .setImage(ByteString.copyFrom(new byte[] {1, 2, 3})).build();
  }

  private static ActionEvent event(String camera, String id) {
    return ActionEvent.newBuilder().setCameraId(camera).setEventId(id)
        .addLabels(LabelScore.newBuilder().setLabel("wave").setScore(0.9f)).build();
  }
}
