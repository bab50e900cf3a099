package org.eqprop.api.tensor;

/**
 * The geometry of a 2-D convolution (a cross-correlation, as PyTorch's {@code conv2d}) between a
 * layer of {@code inChannels × inHeight × inWidth} units and one of {@code outChannels × outHeight()
 * × outWidth()}, with a square kernel, a stride and zero padding. Images are stored channel by
 * channel, each row of a tensor one sample; the weights are an {@code outChannels × (inChannels ·
 * kernel · kernel)} tensor, each row one output channel's kernel, input channel by channel, row by
 * row.
 *
 * @param inChannels input channels
 * @param inHeight input rows
 * @param inWidth input columns
 * @param outChannels output channels
 * @param kernel the kernel's side
 * @param stride the step between two outputs, in input pixels
 * @param padding zero rows and columns added on each side of the input
 */
public record ConvGeometry(int inChannels, int inHeight, int inWidth, int outChannels, int kernel, int stride,
    int padding) {

  /** Checks that every size is positive and the kernel fits the padded input. */
  public ConvGeometry {
    if (inChannels <= 0 || inHeight <= 0 || inWidth <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0
        || padding < 0) {
      throw new IllegalArgumentException("convolution sizes must be positive (padding >= 0), got " + describe(
          inChannels, inHeight, inWidth, outChannels, kernel, stride, padding));
    }
    if (kernel > inHeight + 2 * padding || kernel > inWidth + 2 * padding) {
      throw new IllegalArgumentException("a " + kernel + "x" + kernel + " kernel does not fit a " + inHeight + "x"
          + inWidth + " input padded by " + padding);
    }
  }

  private static String describe(int ci, int h, int w, int co, int k, int s, int p) {
    return ci + "x" + h + "x" + w + " -> " + co + " channels, kernel " + k + ", stride " + s + ", padding " + p;
  }

  /** Output rows. */
  public int outHeight() {
    return (inHeight + 2 * padding - kernel) / stride + 1;
  }

  /** Output columns. */
  public int outWidth() {
    return (inWidth + 2 * padding - kernel) / stride + 1;
  }

  /** Units of the input layer. */
  public int inUnits() {
    return inChannels * inHeight * inWidth;
  }

  /** Units of the output layer. */
  public int outUnits() {
    return outChannels * outHeight() * outWidth();
  }

  /** Columns of the weights: one input channel's kernel after another. */
  public int kernelSize() {
    return inChannels * kernel * kernel;
  }

  /**
   * For output position {@code o} (row-major over {@code outHeight × outWidth}) and kernel tap
   * {@code t} (row-major over {@code kernel × kernel}): the input position ({@code y · inWidth + x})
   * it reads, or -1 where it falls in the padding; entry {@code o · kernel² + t}.
   */
  public int[] taps() {
    int k = kernel;
    int positions = outHeight() * outWidth();
    int[] taps = new int[positions * k * k];
    for (int o = 0; o < positions; o++) {
      int oy = o / outWidth();
      int ox = o % outWidth();
      for (int t = 0; t < k * k; t++) {
        int iy = oy * stride - padding + t / k;
        int ix = ox * stride - padding + t % k;
        boolean inside = iy >= 0 && iy < inHeight && ix >= 0 && ix < inWidth;
        taps[o * k * k + t] = inside ? iy * inWidth + ix : -1;
      }
    }
    return taps;
  }

  /**
   * Checks the shapes of a convolution's tensors: input {@code n × inUnits()}, weights {@code
   * outChannels × kernelSize()}, output {@code n × outUnits()}.
   */
  public void requireShapes(String op, Tensor input, Tensor weights, Tensor output) {
    if (input.cols() != inUnits() || output.cols() != outUnits() || input.rows() != output.rows()
        || weights.rows() != outChannels || weights.cols() != kernelSize()) {
      throw new IllegalArgumentException(op + " of " + this + " needs input n x " + inUnits() + ", weights "
          + outChannels + " x " + kernelSize() + " and output n x " + outUnits() + ", got " + input.rows() + " x "
          + input.cols() + ", " + weights.rows() + " x " + weights.cols() + " and " + output.rows() + " x "
          + output.cols());
    }
  }

  @Override
  public String toString() {
    return describe(inChannels, inHeight, inWidth, outChannels, kernel, stride, padding);
  }
}
