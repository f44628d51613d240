package io.actionstream.training.network;

/**
 * The shape of an {@link AttentionNet}: input channels (3 for RGB, 2 for stacked x/y flow),
 * clip length and frame size, the widths of its four convolution stages, and the number of
 * classes. The feature map, and so the attention map, is {@code frames/4 x height/8 x width/8}.
 */
public record NetworkSpec(int channels, int frames, int height, int width, int[] widths, int classes) {

  /** The default widths: small enough for CPU training, under 2 GFLOPs at 16x112x112. */
  public static final int[] DEFAULT_WIDTHS = {16, 32, 64, 128};

  public NetworkSpec {
    if (frames % 4 != 0 || height % 8 != 0 || width % 8 != 0) {
      throw new IllegalArgumentException(
          "frames must be a multiple of 4 and height and width multiples of 8, got "
              + frames + "x" + height + "x" + width);
    }
    if (widths.length != 4) {
      throw new IllegalArgumentException("four stage widths are needed, got " + widths.length);
    }
    widths = widths.clone();
  }

  public static NetworkSpec of(int channels, int frames, int size, int classes) {
    return new NetworkSpec(channels, frames, size, size, DEFAULT_WIDTHS, classes);
  }

  public int mapFrames() {
    return frames / 4;
  }

  public int mapHeight() {
    return height / 8;
  }

  public int mapWidth() {
    return width / 8;
  }

  public int mapSize() {
    return mapFrames() * mapHeight() * mapWidth();
  }

  public int featureChannels() {
    return widths[3];
  }

  @Override
  public int[] widths() {
    return widths.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NetworkSpec o
        && channels == o.channels && frames == o.frames && height == o.height && width == o.width
        && classes == o.classes && java.util.Arrays.equals(widths, o.widths);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(channels, frames, height, width, classes, java.util.Arrays.hashCode(widths));
  }

  @Override
  public String toString() {
    return channels + "x" + frames + "x" + height + "x" + width + " widths "
        + java.util.Arrays.toString(widths) + " classes " + classes;
  }
}
