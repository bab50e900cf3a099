package org.eqprop.runner.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An unsigned-byte IDX file (the MNIST format): a magic number {@code 00 00 08 D} with {@code D}
 * dimensions, {@code D} big-endian 32-bit sizes, then the bytes. Gzip-compressed files are
 * recognised by their content, not their name.
 *
 * @param dims the sizes, outermost first
 * @param data the values, row-major
 */
public record IdxFile(int[] dims, byte[] data) {

  private static final int UNSIGNED_BYTE = 0x08;

  /** Reads and validates {@code file}; every problem is a {@link DataException} naming the file. */
  public static IdxFile read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DataException("data file " + file + " not found");
    } catch (IOException e) {
      throw new DataException("cannot read data file " + file + ": " + e.getMessage());
    }
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
      bytes = gunzip(file, bytes);
    }
    return parse(file.toString(), bytes);
  }

  private static byte[] gunzip(Path file, byte[] bytes) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), 1 << 16)) {
      return in.readAllBytes();
    } catch (EOFException e) {
      throw new DataException("data file " + file + " is a truncated gzip file");
    } catch (ZipException e) {
      throw new DataException("data file " + file + " is a corrupt gzip file: " + e.getMessage());
    } catch (IOException e) {
      throw new DataException("cannot read data file " + file + ": " + e.getMessage());
    }
  }

  /** Parses the bytes of an uncompressed IDX file; {@code name} is used in error messages. */
  public static IdxFile parse(String name, byte[] bytes) {
    if (bytes.length < 4) {
      throw new DataException(
          "data file " + name + " is not an IDX file: " + bytes.length + " bytes, too short for a header");
    }
    if (bytes[0] != 0 || bytes[1] != 0) {
      throw new DataException(
          "data file " + name + " is not an IDX file: bad magic number "
              + String.format("%02x %02x %02x %02x", bytes[0], bytes[1], bytes[2], bytes[3]));
    }
    if ((bytes[2] & 0xff) != UNSIGNED_BYTE) {
      throw new DataException(
          "data file " + name + " holds IDX type 0x" + String.format("%02x", bytes[2])
              + "; only unsigned bytes (0x08) are supported");
    }
    int d = bytes[3] & 0xff;
    if (d == 0) {
      throw new DataException("data file " + name + " declares no dimensions");
    }
    int header = 4 + 4 * d;
    if (bytes.length < header) {
      throw new DataException(
          "data file " + name + " is truncated: its header needs " + header + " bytes, the file has " + bytes.length);
    }
    int[] dims = new int[d];
    long expected = 1;
    for (int i = 0; i < d; i++) {
      int o = 4 + 4 * i;
      long v = ((bytes[o] & 0xffL) << 24) | ((bytes[o + 1] & 0xffL) << 16) | ((bytes[o + 2] & 0xffL) << 8) | (bytes[o + 3] & 0xffL);
      if (v > Integer.MAX_VALUE) {
        throw new DataException("data file " + name + " declares an impossible dimension " + v);
      }
      dims[i] = (int) v;
      expected *= v;
    }
    long actual = bytes.length - header;
    if (actual < expected) {
      throw new DataException(
          "data file " + name + " is truncated: dimensions " + Arrays.toString(dims) + " need "
              + expected + " bytes of data, found " + actual);
    }
    if (actual > expected) {
      throw new DataException(
          "data file " + name + " has " + (actual - expected) + " unexpected bytes after the "
              + expected + " bytes its dimensions " + Arrays.toString(dims) + " declare");
    }
    return new IdxFile(dims, Arrays.copyOfRange(bytes, header, bytes.length));
  }
}
