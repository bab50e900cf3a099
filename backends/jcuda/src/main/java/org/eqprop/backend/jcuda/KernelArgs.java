package org.eqprop.backend.jcuda;

import java.util.Arrays;

/**
 * The arguments of one kernel launch, in order, as the bytes the kernel's parameters hold: each
 * argument starts at a 64-bit word; {@code int} and {@code float} take the low half of theirs
 * (little-endian), a device pointer a whole word, a struct passed by value several words.
 */
final class KernelArgs {
  private long[] words = new long[16];
  private int[] sizes = new int[16];
  private final StringBuilder types = new StringBuilder();
  private int wordCount;
  private int count;

  private void add(String type, long[] value, int bytes) {
    types.append(types.length() == 0 ? "" : " ").append(type);
    int need = (bytes + 7) / 8;
    if (wordCount + need > words.length) {
      words = Arrays.copyOf(words, Math.max(2 * words.length, wordCount + need));
    }
    if (count == sizes.length) {
      sizes = Arrays.copyOf(sizes, 2 * sizes.length);
    }
    System.arraycopy(value, 0, words, wordCount, need);
    wordCount += need;
    sizes[count++] = bytes;
  }

  /** A device pointer ({@code 0} for null). */
  KernelArgs ptr(long address) {
    add("u64", new long[] {address}, 8);
    return this;
  }

  /** A 32-bit integer. */
  KernelArgs i32(int value) {
    add("u32", new long[] {value & 0xffffffffL}, 4);
    return this;
  }

  /** A 32-bit float. */
  KernelArgs f32(float value) {
    add("f32", new long[] {Float.floatToRawIntBits(value) & 0xffffffffL}, 4);
    return this;
  }

  /** A struct passed by value: its {@code bytes} bytes, little-endian, in {@code value}. */
  KernelArgs struct(long[] value, int bytes) {
    add("b8[" + bytes + "]", value, bytes);
    return this;
  }

  /** The parameter types as PTX spells them, space-separated, e.g. {@code u64 u32 f32}. */
  String types() {
    return types.toString();
  }

  /** Number of arguments. */
  int count() {
    return count;
  }

  /** The byte size of argument {@code i}. */
  int size(int i) {
    return sizes[i];
  }

  /** The words of argument {@code i}. */
  long[] value(int i) {
    int at = 0;
    for (int j = 0; j < i; j++) {
      at += (sizes[j] + 7) / 8;
    }
    return Arrays.copyOfRange(words, at, at + (sizes[i] + 7) / 8);
  }

  /** All words, arguments back to back (each from a word boundary). */
  long[] words() {
    return Arrays.copyOf(words, wordCount);
  }

  /** The byte size of every argument. */
  int[] sizes() {
    return Arrays.copyOf(sizes, count);
  }
}
