package org.eqprop.runner.data;

/**
 * The shape of a data set's images, stored channel by channel (all of channel 0's rows, then
 * channel 1's, …), as CIFAR-10's files and convolutional layers lay them out.
 *
 * @param channels colour channels (MNIST 1, CIFAR-10 3)
 * @param height rows
 * @param width columns
 */
public record ImageShape(int channels, int height, int width) {
  /** Pixels per image. */
  public int size() {
    return channels * height * width;
  }

  /** Pixels per channel. */
  public int plane() {
    return height * width;
  }

  @Override
  public String toString() {
    return channels + "×" + height + "×" + width;
  }
}
