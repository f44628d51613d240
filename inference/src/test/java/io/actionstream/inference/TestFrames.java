package io.actionstream.inference;

import com.google.protobuf.ByteString;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.ImageEncoding;
import io.actionstream.schemas.v1.Region;
import io.actionstream.schemas.v1.ResizeMode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Frames as the ingest publishes them, made in the test: real JPEGs of a simple scene. */
public final class TestFrames {

  private TestFrames() {}

  /** A 224x224 JPEG frame of {@code camera}: grey, with a bright square that moves with {@code sequence}. */
  public static Frame frame(String camera, String session, int segment, long sequence) {
    return Frame.newBuilder()
        .setCameraId(camera)
        .setSessionId(session)
        .setSegment(segment)
        .setSequenceNumber(sequence)
        .setCaptureTimeUs(System.currentTimeMillis() * 1000 - 1_000_000 + sequence * 125_000)
        .setMediaTimeUs(sequence * 125_000)
        .setEncoding(ImageEncoding.IMAGE_ENCODING_JPEG)
        .setImage(ByteString.copyFrom(jpeg(224, 224, (int) (sequence * 5 % 180))))
        .setWidth(224)
        .setHeight(224)
        .setSourceWidth(448)
        .setSourceHeight(448)
        .setResizeMode(ResizeMode.RESIZE_MODE_FIT)
        .setSourceRegion(Region.newBuilder().setWidth(448).setHeight(448))
        .setImageRegion(Region.newBuilder().setWidth(224).setHeight(224))
        .build();
  }

  public static byte[] jpeg(int width, int height, int squareX) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.GRAY);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.YELLOW);
    g.fillRect(squareX, height / 3, width / 6, height / 4);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
