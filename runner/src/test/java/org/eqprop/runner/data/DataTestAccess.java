package org.eqprop.runner.data;

/** The package-private parts of the data package, for tests elsewhere. */
public final class DataTestAccess {
  private DataTestAccess() {}

  /** {@link Dataset#transformed} of example 0. */
  public static void transformed(Dataset d, int dy, int dx, boolean flip, float[] out) {
    d.transformed(0, dy, dx, flip, out, 0);
  }

  /** {@link Augmentation#draw}. */
  public static int[] draw(Augmentation a, int epoch, int index) {
    return a.draw(epoch, index);
  }
}
