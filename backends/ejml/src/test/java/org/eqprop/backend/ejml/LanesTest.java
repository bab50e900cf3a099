package org.eqprop.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector relaxation kernels against the scalar ones, sample by sample: the block layout (units
 * side by side across samples), the fused step with its integer clip and the floating-point redo
 * it falls back on when a value is NaN or infinite, the copies in and out of a block, the sums
 * of scaled rows a sparse convolution transpose is built from, and the contrast's operand rows.
 */
class LanesTest {
  private final VectorLanes vector = new VectorLanes();
  private final Lanes scalar = new Lanes.Scalar();
  private final SplittableRandom random = new SplittableRandom(7);
  private final int lanes = vector.block();

  private float[] fill(int n, double from, double to) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) random.nextDouble(from, to);
    }
    return a;
  }

  /** Lane {@code r} of a block laid out unit by unit, {@code units} long. */
  private float[] lane(float[] block, int r, int units) {
    float[] out = new float[units];
    for (int j = 0; j < units; j++) {
      out[j] = block[j * lanes + r];
    }
    return out;
  }

  /**
   * A middle layer of 30 units between layers of 17 and 5: its input with both products (the
   * weights arranged as they come and transposed), and one step from states in [0, 1], nudged and
   * not, agree with the scalar lanes on every sample.
   */
  @Test
  void inputsAndTheirStepMatchTheScalarLanesOnEverySample() {
    int below = 17, units = 30, above = 5;
    int cols = vector.padded(units);
    float[] down = new float[below * cols], up = new float[above * cols];
    // the weights from below as they are, those from above transposed (units × above, as W_{k+1} is)
    float[] downPlain = fill(below * units, -1, 1), above2 = fill(units * above, -1, 1);
    float[] upPlain = new float[above * units];
    for (int j = 0; j < units; j++) {
      for (int q = 0; q < above; q++) {
        upPlain[q * units + j] = above2[j * above + q];
      }
    }
    vector.arrange(downPlain, below, units, false, down);
    vector.arrange(above2, units, above, true, up);
    float[] base = new float[cols * lanes], s = new float[cols * lanes], y = new float[cols * lanes];
    System.arraycopy(fill(units * lanes, -1, 1), 0, base, 0, units * lanes);
    System.arraycopy(fill(units * lanes, 0, 1), 0, s, 0, units * lanes);
    System.arraycopy(fill(units * lanes, 0, 1), 0, y, 0, units * lanes);
    float[] vDown = fill(below * lanes, 0, 1), vUp = fill(above * lanes, 0, 1);
    for (float[] target : new float[][] {null, y}) {
      float[] out = new float[cols * lanes];
      vector.inputs(base, vDown, down, below, vUp, up, above, cols, out, null, s, target, 0.7f, 0.5f);
      float[] inputs = new float[cols * lanes];
      vector.inputs(base, vDown, down, below, vUp, up, above, cols, inputs, null, null, null, 0f, 0f);
      for (int r = 0; r < lanes; r++) {
        float[] expected = new float[units];
        float[] expectedInputs = new float[units];
        scalar.inputs(lane(base, r, units), lane(vDown, r, below), downPlain, below, lane(vUp, r, above), upPlain,
            above, units, expectedInputs, null, null, null, 0f, 0f);
        scalar.inputs(lane(base, r, units), lane(vDown, r, below), downPlain, below, lane(vUp, r, above), upPlain,
            above, units, expected, null, lane(s, r, units), target == null ? null : lane(target, r, units), 0.7f,
            0.5f);
        for (int j = 0; j < units; j++) {
          assertEquals(expectedInputs[j], inputs[j * lanes + r], 1e-5, "input of unit " + j + ", sample " + r);
          assertEquals(expected[j], out[j * lanes + r], 1e-5, "step of unit " + j + ", sample " + r);
        }
      }
      for (int i = units * lanes; i < cols * lanes; i++) {
        assertEquals(0f, out[i], "padded unit " + i / lanes);
      }
    }
  }

  /**
   * A layer wide enough that {@code inputs} skips the rows of zeros ({@value VectorLanes#SKIP_TILES}
   * tiles or more) and one too narrow to: rows 0 in every lane, rows 0 but in one lane, and a row
   * NaN in one lane only, both below and above. Every sample's inputs agree with the scalar lanes,
   * and the NaN reaches every unit of its own sample only.
   */
  @Test
  void rowsOfZerosAddNothingAndARowWithOneValueOrANaNIsStillRead() {
    for (int units : new int[] {VectorLanes.SKIP_TILES * VectorLanes.TILE + 7, VectorLanes.TILE - 2}) {
      int below = 40, above = 23;
      int cols = vector.padded(units);
      float[] downPlain = fill(below * units, -1, 1), above2 = fill(units * above, -1, 1);
      float[] upPlain = new float[above * units];
      for (int j = 0; j < units; j++) {
        for (int q = 0; q < above; q++) {
          upPlain[q * units + j] = above2[j * above + q];
        }
      }
      float[] down = new float[below * cols], up = new float[above * cols];
      vector.arrange(downPlain, below, units, false, down);
      vector.arrange(above2, units, above, true, up);
      float[] base = new float[cols * lanes];
      System.arraycopy(fill(units * lanes, -1, 1), 0, base, 0, units * lanes);
      float[] vDown = fill(below * lanes, 0, 1), vUp = fill(above * lanes, 0, 1);
      for (int q = 0; q < below; q += 3) {
        java.util.Arrays.fill(vDown, q * lanes, (q + 1) * lanes, q % 2 == 0 ? 0f : -0f);
      }
      for (int q = 1; q < above; q += 2) {
        java.util.Arrays.fill(vUp, q * lanes, (q + 1) * lanes, 0f);
      }
      int lone = lanes - 1, nanLane = lanes / 2;
      vDown[3 * lanes + lone] = 0.25f; // row 3, otherwise 0
      vUp[5 * lanes + lone] = 0.5f; // row 5, otherwise 0
      vUp[7 * lanes + nanLane] = Float.NaN; // row 7, otherwise 0
      float[] inputs = new float[cols * lanes];
      vector.inputs(base, vDown, down, below, vUp, up, above, cols, inputs, null, null, null, 0f, 0f);
      for (int r = 0; r < lanes; r++) {
        float[] expected = new float[units];
        scalar.inputs(lane(base, r, units), lane(vDown, r, below), downPlain, below, lane(vUp, r, above), upPlain,
            above, units, expected, null, null, null, 0f, 0f);
        for (int j = 0; j < units; j++) {
          if (r == nanLane) {
            assertTrue(Float.isNaN(inputs[j * lanes + r]), "unit " + j + " of the NaN's sample");
          } else {
            assertEquals(expected[j], inputs[j * lanes + r], 1e-5,
                units + " units: input of unit " + j + ", sample " + r);
          }
        }
      }
    }
  }

  /**
   * With {@code keep}, the inputs a step was taken from come back as well: into an array of their
   * own or in place of the base (how the relaxation adds the next step's changes to them), on a
   * layer that skips rows and one that does not, and through the floating-point redo a NaN input
   * sets off, where the step must come from the kept inputs, not from the base they replaced.
   */
  @Test
  void keptInputsAreTheStepsInputsAlsoInPlaceAndThroughTheNaNRedo() {
    for (int units : new int[] {VectorLanes.SKIP_TILES * VectorLanes.TILE + 5, VectorLanes.TILE}) {
      int below = 50;
      int cols = vector.padded(units);
      float[] down = new float[below * cols];
      vector.arrange(fill(below * units, -1, 1), below, units, false, down);
      float[] vDown = fill(below * lanes, 0, 1);
      java.util.Arrays.fill(vDown, 4 * lanes, 9 * lanes, 0f);
      for (boolean nan : new boolean[] {false, true}) {
        float[] base = new float[cols * lanes], s = new float[cols * lanes];
        System.arraycopy(fill(units * lanes, -1, 1), 0, base, 0, units * lanes);
        System.arraycopy(fill(units * lanes, 0, 1), 0, s, 0, units * lanes);
        if (nan) {
          base[3 * lanes + 2] = Float.NaN;
        }
        float[] inputs = new float[cols * lanes], expected = new float[cols * lanes];
        vector.inputs(base, vDown, down, below, new float[0], new float[0], 0, cols, inputs, null, null, null, 0f, 0f);
        vector.inputs(base, vDown, down, below, new float[0], new float[0], 0, cols, expected, null, s, null, 0f, 0.5f);
        float[] kept = new float[cols * lanes], out = new float[cols * lanes];
        vector.inputs(base, vDown, down, below, new float[0], new float[0], 0, cols, out, kept, s, null, 0f, 0.5f);
        assertArrayEquals(inputs, kept, units + " units, NaN " + nan + ": kept inputs");
        assertArrayEquals(expected, out, units + " units, NaN " + nan + ": step");
        float[] inPlace = base.clone();
        vector.inputs(inPlace, vDown, down, below, new float[0], new float[0], 0, cols, out, inPlace, s, null, 0f,
            0.5f);
        assertArrayEquals(inputs, inPlace, units + " units, NaN " + nan + ": inputs kept in place of the base");
        assertArrayEquals(expected, out, units + " units, NaN " + nan + ": step with the inputs kept in place");
      }
    }
  }

  /**
   * The integer clip turns NaN into 0 or 1: a NaN input must still give a NaN state, with every
   * other value as the floating-point clip makes it (an infinite input clips to 0 or 1).
   */
  @Test
  void aNaNInputGivesANaNStateAndInfinitiesClip() {
    int units = 40;
    int cols = vector.padded(units);
    float[] base = new float[cols * lanes], s = new float[cols * lanes];
    System.arraycopy(fill(units * lanes, -1, 1), 0, base, 0, units * lanes);
    System.arraycopy(fill(units * lanes, 0, 1), 0, s, 0, units * lanes);
    int nan = 27 * lanes + lanes - 1, plus = 3 * lanes + 1, minus = 39 * lanes;
    base[nan] = Float.NaN;
    base[plus] = Float.POSITIVE_INFINITY;
    base[minus] = Float.NEGATIVE_INFINITY;
    for (float nanBits : new float[] {Float.NaN, Float.intBitsToFloat(0xffc00000)}) {
      base[nan] = nanBits;
      float[] out = new float[cols * lanes];
      vector.inputs(base, new float[0], new float[0], 0, new float[0], new float[0], 0, cols, out, null, s, null, 0f,
          0.5f);
      for (int i = 0; i < units * lanes; i++) {
        float v = s[i];
        float expected = Lanes.clip01(v - 0.5f * (v - base[i]));
        if (i == nan) {
          assertTrue(Float.isNaN(out[i]), "the NaN input's state is " + out[i]);
        } else {
          assertEquals(expected, out[i], 1e-6f, "value " + i);
        }
      }
      assertEquals(1f, out[plus]);
      assertEquals(0f, out[minus]);
    }
  }

  /**
   * A partial block: the samples go in unit by unit, the missing lanes repeat the last sample, the
   * padded units are 0, and only the block's own rows come back out.
   */
  @Test
  void aPartialBlockGoesInAndComesBackOut() {
    int units = 13, count = lanes - 3, batch = count + 4, i = 2;
    int cols = vector.padded(units);
    float[] rows = fill(batch * units, -2, 2);
    float[] block = fill(cols * lanes, 5, 6);
    vector.gather(rows, i, count, units, block);
    for (int r = 0; r < lanes; r++) {
      for (int j = 0; j < cols; j++) {
        float expected = j >= units ? 0f : rows[(i + Math.min(r, count - 1)) * units + j];
        assertEquals(expected, block[j * lanes + r], "unit " + j + ", lane " + r);
      }
    }
    for (int full : new int[] {count, lanes}) {
      float[] back = new float[(i + lanes) * units];
      java.util.Arrays.fill(back, 9f);
      float[] values = fill(cols * lanes, -1, 1);
      vector.scatter(values, units, back, i, full);
      for (int row = 0; row < i + lanes; row++) {
        for (int j = 0; j < units; j++) {
          boolean written = row >= i && row < i + full;
          assertEquals(written ? values[j * lanes + row - i] : 9f, back[row * units + j], "row " + row + ", unit " + j);
        }
      }
    }
  }

  /**
   * Rows of every length from 0 to 40 (the widest vector, 8 and 4 lanes and the scalar tail) at
   * odd offsets: both lanes add each element exactly once, and nothing outside the row.
   */
  @Test
  void rowsOfEveryLengthAddEachElementOnce() {
    for (int n = 0; n <= 40; n++) {
      float[] x = fill(n + 7, -1, 1);
      float[] before = fill(n + 9, -1, 1);
      float[] expected = before.clone();
      for (int i = 0; i < n; i++) {
        expected[5 + i] = before[5 + i] + x[3 + i];
      }
      for (Lanes l : new Lanes[] {vector, scalar}) {
        float[] y = before.clone();
        l.addRow(x, 3, y, 5, n);
        for (int i = 0; i < y.length; i++) {
          assertEquals(expected[i], y[i], l.getClass().getSimpleName() + ", length " + n + ", element " + i);
        }
      }
    }
  }

  /**
   * A row of the contrast's operands, of every length from 0 to 40 at odd offsets, with values
   * either side of [0, 1]: both lanes clip, add the difference to the sums and write the
   * difference where asked, exactly as the plain expression does, and nothing outside the row.
   */
  @Test
  void contrastRowsOfEveryLengthMatchThePlainExpression() {
    for (int n = 0; n <= 40; n++) {
      for (boolean withDiff : new boolean[] {false, true}) {
        float[] a = fill(n + 11, -0.5, 1.5), b = fill(n + 11, -0.5, 1.5), sum0 = fill(n + 4, -1, 1);
        float[] rhoA = new float[n + 11], rhoB = new float[n + 11], diff = new float[n + 11], sum = sum0.clone();
        for (int i = 0; i < n; i++) {
          float ra = Math.min(Math.max(a[7 + i], 0f), 1f), rb = Math.min(Math.max(b[7 + i], 0f), 1f);
          rhoA[7 + i] = ra;
          rhoB[7 + i] = rb;
          diff[7 + i] = withDiff ? ra - rb : 0f;
          sum[2 + i] += ra - rb;
        }
        for (Lanes l : new Lanes[] {vector, scalar}) {
          float[] gotA = new float[n + 11], gotB = new float[n + 11], gotDiff = new float[n + 11];
          float[] gotSum = sum0.clone();
          l.contrastRow(a, b, 7, n, gotSum, 2, gotA, gotB, withDiff ? gotDiff : null);
          String where = l.getClass().getSimpleName() + ", length " + n;
          assertArrayEquals(rhoA, gotA, where);
          assertArrayEquals(rhoB, gotB, where);
          assertArrayEquals(diff, gotDiff, where);
          assertArrayEquals(sum, gotSum, where);
        }
      }
    }
  }

  /**
   * The sums of scaled rows, on a row length that runs through the four-vector chunks, one vector
   * and the scalar tail, with outputs of no rows, one and many: both lanes against a double sum.
   */
  @Test
  void combinedRowsMatchADoubleSum() {
    int n = 8 * lanes + lanes + 3, rows = 9, outRows = 4, stride = rows;
    float[] w = fill(rows * n, -1, 1);
    int[] count = {0, 1, rows, 3};
    int[] row = new int[outRows * stride];
    float[] val = new float[outRows * stride];
    for (int r = 0; r < outRows; r++) {
      for (int q = 0; q < count[r]; q++) {
        row[r * stride + q] = (q * 5 + r) % rows;
        val[r * stride + q] = (float) random.nextDouble(-1, 1);
      }
    }
    for (Lanes l : new Lanes[] {vector, scalar}) {
      float[] out = fill(outRows * n, -1, 1);
      l.combineRows(w, n, row, val, count, stride, outRows, out);
      for (int r = 0; r < outRows; r++) {
        for (int i = 0; i < n; i++) {
          double sum = 0;
          for (int q = r * stride; q < r * stride + count[r]; q++) {
            sum += (double) val[q] * w[row[q] * n + i];
          }
          assertEquals(sum, out[r * n + i], 1e-5, l.getClass().getSimpleName() + ", output " + r + ", column " + i);
        }
      }
    }
  }
}
