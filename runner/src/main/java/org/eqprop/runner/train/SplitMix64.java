package org.eqprop.runner.train;

import java.util.random.RandomGenerator;

/**
 * The SplitMix64 generator (Steele, Lea &amp; Flood 2014): one 64-bit state, so a checkpoint can
 * save it and a resumed run continue the exact same sequence.
 */
public final class SplitMix64 implements RandomGenerator {
  private static final long GAMMA = 0x9E3779B97F4A7C15L;
  private long state;

  /** A generator starting from {@code state}. */
  public SplitMix64(long state) {
    this.state = state;
  }

  /** A generator for stream {@code stream} of {@code seed}: distinct streams are independent. */
  public static SplitMix64 stream(long seed, int stream) {
    return new SplitMix64(mix(seed + (stream + 1L) * GAMMA));
  }

  /** The current state; {@code new SplitMix64(state())} continues this sequence. */
  public long state() {
    return state;
  }

  /** Jumps to a saved state. */
  public void setState(long state) {
    this.state = state;
  }

  @Override
  public long nextLong() {
    state += GAMMA;
    return mix(state);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
