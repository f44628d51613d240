package io.actionstream.inference.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.actionstream.inference.TestFrames;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.ImageEncoding;
import io.actionstream.schemas.v1.Region;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class FrameValidatorTest {

  private final FrameValidator validator = new FrameValidator(4096, Duration.ofMinutes(10), Clock.systemUTC());
  private final Frame good = TestFrames.frame("cam", "s", 0, 7);

  @Test
  void aGoodFramePasses() {
    FrameValidator.Result result = validator.validate("cam", good.toByteArray());
    assertThat(result.valid()).isTrue();
    assertThat(result.frame()).isEqualTo(good);
    try (var image = result.image()) {
      assertThat(image.cols()).as("decoded at full size, once, for clip assembly").isEqualTo(good.getWidth());
      assertThat(image.rows()).isEqualTo(good.getHeight());
      assertThat(image.channels()).isEqualTo(3);
    }
  }

  @Test
  void eachKindOfBadInputHasItsReason() {
    assertThat(reason("cam", null)).isEqualTo(DlqReason.EMPTY_VALUE);
    assertThat(reason("cam", new byte[] {(byte) 0xFF, 1, 2, 3, 4, 5})).isEqualTo(DlqReason.NOT_A_FRAME);
    assertThat(reason("cam", Arrays.copyOf(good.toByteArray(), good.toByteArray().length / 2))).isEqualTo(DlqReason.NOT_A_FRAME);
    assertThat(bad(f -> f.setCameraId(""))).isEqualTo(DlqReason.MISSING_CAMERA_ID);
    assertThat(reason("other", good.toByteArray())).isEqualTo(DlqReason.KEY_MISMATCH);
    assertThat(bad(f -> f.setEncoding(ImageEncoding.IMAGE_ENCODING_UNSPECIFIED))).isEqualTo(DlqReason.UNSUPPORTED_ENCODING);
    assertThat(bad(f -> f.setImage(ByteString.EMPTY))).isEqualTo(DlqReason.EMPTY_IMAGE);
    assertThat(bad(f -> f.setWidth(0))).isEqualTo(DlqReason.BAD_DIMENSIONS);
    assertThat(bad(f -> f.setWidth(5000))).isEqualTo(DlqReason.BAD_DIMENSIONS);
    assertThat(bad(f -> f.setHeight((int) 3_000_000_000L))).as("uint32 read unsigned").isEqualTo(DlqReason.BAD_DIMENSIONS);
    assertThat(bad(f -> f.setSourceWidth(-1))).isEqualTo(DlqReason.BAD_DIMENSIONS);
    assertThat(bad(f -> f.setImage(ByteString.copyFrom(new byte[1 << 20])))).as("1 MiB for a 224x224 frame")
        .isEqualTo(DlqReason.IMAGE_TOO_LARGE);
    assertThat(bad(f -> f.setImageRegion(Region.newBuilder().setX(100).setWidth(200).setHeight(10)))).isEqualTo(DlqReason.BAD_GEOMETRY);
    assertThat(bad(f -> f.setCaptureTimeUs(0))).isEqualTo(DlqReason.BAD_TIMESTAMP);
    assertThat(bad(f -> f.setCaptureTimeUs(System.currentTimeMillis() * 1000 + 3_600_000_000L))).isEqualTo(DlqReason.BAD_TIMESTAMP);
    assertThat(bad(f -> f.setImage(ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3})))).isEqualTo(DlqReason.UNDECODABLE_IMAGE);
    assertThat(bad(f -> f.setWidth(200))).as("region wider than the frame").isEqualTo(DlqReason.BAD_GEOMETRY);
    assertThat(bad(f -> f.setWidth(200).setImageRegion(Region.newBuilder().setWidth(200).setHeight(224))))
        .as("the JPEG is 224 wide").isEqualTo(DlqReason.UNDECODABLE_IMAGE);
  }

  @Test
  void aRawFramePassesUndecodedAndAWrongSizeIsRefusedWithItsReason() {
    byte[] pixels = new byte[224 * 224 * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 31 + i / 672);
    }
    Frame raw = good.toBuilder().setEncoding(ImageEncoding.IMAGE_ENCODING_BGR24).setImage(ByteString.copyFrom(pixels)).build();
    FrameValidator.Result result = validator.validate("cam", raw.toByteArray());
    assertThat(result.valid()).isTrue();
    assertThat(result.frame()).isEqualTo(raw);
    assertThat(result.image()).as("nothing to decode: the bytes are the pixels").isNull();

    FrameValidator.Result short_ = validator.validate("cam",
        raw.toBuilder().setImage(ByteString.copyFrom(pixels, 0, pixels.length - 3)).build().toByteArray());
    assertThat(short_.reason()).isEqualTo(DlqReason.UNDECODABLE_IMAGE);
    assertThat(short_.detail()).contains("150525 bytes", "150528", "224x224 BGR24");
    assertThat(validator.validate("cam", raw.toBuilder().setImage(ByteString.copyFrom(new byte[pixels.length + 1])).build()
        .toByteArray()).reason()).as("a raw frame has no room for headers").isEqualTo(DlqReason.IMAGE_TOO_LARGE);
  }

  @Test
  void anI420FramePassesUndecodedAndAWrongSizeOrAnOddOneIsRefusedWithItsReason() {
    byte[] planes = new byte[224 * 224 * 3 / 2];
    for (int i = 0; i < planes.length; i++) {
      planes[i] = (byte) (i * 31 + i / 224);
    }
    Frame i420 = good.toBuilder().setEncoding(ImageEncoding.IMAGE_ENCODING_I420).setImage(ByteString.copyFrom(planes)).build();
    FrameValidator.Result result = validator.validate("cam", i420.toByteArray());
    assertThat(result.valid()).isTrue();
    assertThat(result.image()).as("converted into the batch, not here").isNull();

    FrameValidator.Result bgrSized = validator.validate("cam",
        i420.toBuilder().setImage(ByteString.copyFrom(new byte[224 * 224 * 3])).build().toByteArray());
    assertThat(bgrSized.reason()).isEqualTo(DlqReason.UNDECODABLE_IMAGE);
    assertThat(bgrSized.detail()).contains("150528 bytes", "75264", "224x224 I420");
    FrameValidator.Result odd = validator.validate("cam", i420.toBuilder().setWidth(223)
        .setImageRegion(Region.newBuilder().setWidth(223).setHeight(224)).setImage(ByteString.copyFrom(new byte[223 * 224 * 3 / 2]))
        .build().toByteArray());
    assertThat(odd.reason()).isEqualTo(DlqReason.UNDECODABLE_IMAGE);
    assertThat(odd.detail()).contains("even width and height", "223x224");
  }

  private DlqReason bad(UnaryOperator<Frame.Builder> change) {
    return reason("cam", change.apply(good.toBuilder()).build().toByteArray());
  }

  private DlqReason reason(String key, byte[] value) {
    FrameValidator.Result result = validator.validate(key, value);
    assertThat(result.valid()).isFalse();
    assertThat(result.detail()).isNotBlank();
    return result.reason();
  }
}
