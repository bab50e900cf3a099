package org.eqprop.api.tensor;

/**
 * The geometry of a pooling: non-overlapping {@code size × size} windows (stride {@code size}) over
 * each channel of a {@code channels × height × width} image, stored channel by channel; a last row
 * or column that does not fill a window is left out, as PyTorch's pooling does. Max pooling keeps
 * each window's largest value, average pooling its mean.
 *
 * @param channels channels
 * @param height input rows
 * @param width input columns
 * @param size the window's side and stride
 * @param max max pooling, else average pooling
 */
public record PoolGeometry(int channels, int height, int width, int size, boolean max) {

  /** Checks that every size is positive and a window fits the image. */
  public PoolGeometry {
    if (channels <= 0 || height <= 0 || width <= 0 || size <= 0) {
      throw new IllegalArgumentException("pooling sizes must be positive, got " + channels + "x" + height + "x" + width
          + ", window " + size);
    }
    if (size > height || size > width) {
      throw new IllegalArgumentException("a " + size + "x" + size + " pooling window does not fit a " + height + "x"
          + width + " image");
    }
  }

  /** Output rows. */
  public int outHeight() {
    return height / size;
  }

  /** Output columns. */
  public int outWidth() {
    return width / size;
  }

  /** Units before pooling. */
  public int inUnits() {
    return channels * height * width;
  }

  /** Units after pooling. */
  public int outUnits() {
    return channels * outHeight() * outWidth();
  }

  @Override
  public String toString() {
    return (max ? "max" : "average") + " pooling " + size + "x" + size + " of " + channels + "x" + height + "x" + width;
  }
}
