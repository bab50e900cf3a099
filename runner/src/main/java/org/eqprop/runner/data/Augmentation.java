package org.eqprop.runner.data;

import java.util.Locale;

/**
 * Seeded augmentation of training images (as the conv EP papers train CIFAR-10): a random crop of
 * the image padded by {@code padding} pixels on every side (a shift by up to {@code padding} rows
 * and columns, the uncovered border black), and a horizontal flip with probability ½. The draws
 * for an example depend only on the run's seed, the epoch and the example's index, so a resumed
 * or data-parallel run augments exactly as an uninterrupted one.
 *
 * @param padding the largest shift (0: no crop)
 * @param flip whether images may be mirrored
 * @param seed the run's seed
 */
public record Augmentation(int padding, boolean flip, long seed) {
  /** The {@code data.augment} values. */
  public static final java.util.List<String> NAMES = java.util.List.of("none", "crop", "flip", "crop-flip");

  /** The augmentation {@code data.augment} names, or null for {@code none}. */
  public static Augmentation of(String name, int padding, long seed) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "none" -> null;
      case "crop" -> new Augmentation(padding, false, seed);
      case "flip" -> new Augmentation(0, true, seed);
      case "crop-flip" -> new Augmentation(padding, true, seed);
      default -> throw new IllegalArgumentException("unknown augmentation " + name);
    };
  }

  /**
   * The draws for example {@code index} in {@code epoch}: {@code [dy, dx, flip]} with the shifts in
   * {@code [-padding, padding]} and flip 0 or 1.
   */
  int[] draw(int epoch, int index) {
    long z = mix(mix(seed ^ 0x5DEECE66DL) + epoch * 0x9E3779B97F4A7C15L + index);
    int span = 2 * padding + 1;
    int dy = (int) Long.remainderUnsigned(z, span) - padding;
    z = mix(z);
    int dx = (int) Long.remainderUnsigned(z, span) - padding;
    z = mix(z);
    int f = flip && (z & 1) == 1 ? 1 : 0;
    return new int[] {dy, dx, f};
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
