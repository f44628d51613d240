package io.actionstream.model.frame;

/** An axis-aligned rectangle in whole pixels; (x, y) is the top-left corner. */
public record PixelRect(int x, int y, int width, int height) {

  public static PixelRect of(int width, int height) {
    return new PixelRect(0, 0, width, height);
  }
}
