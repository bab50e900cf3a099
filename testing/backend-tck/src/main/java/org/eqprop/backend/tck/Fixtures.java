package org.eqprop.backend.tck;

import java.util.List;
import java.util.Random;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/** Random inputs and states, and conversions between the float32 api and double references. */
public final class Fixtures {
  private Fixtures() {}

  public static double[][] uniform(Random r, int rows, int cols, double lo, double hi) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = lo + (hi - lo) * r.nextDouble();
      }
    }
    return m;
  }

  /** One-hot targets for {@code rows} labels drawn uniformly from {@code classes} classes. */
  public static double[][] randomOneHot(Random r, int rows, int classes) {
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) {
      labels[i] = r.nextInt(classes);
    }
    return oneHot(labels, classes);
  }

  public static double[][] oneHot(int[] labels, int classes) {
    double[][] d = new double[labels.length][classes];
    for (int i = 0; i < labels.length; i++) {
      d[i][labels[i]] = 1;
    }
    return d;
  }

  public static double[][][] randomState(Random r, ReferenceHopfield ref, int batch, double lo, double hi) {
    double[][][] s = new double[ref.layers()][][];
    for (int k = 0; k < ref.layers(); k++) {
      s[k] = uniform(r, batch, ref.sizes[k + 1], lo, hi);
    }
    return s;
  }

  /** Rounds a double state to float32 in place, so both sides start from identical values. */
  public static double[][][] roundToFloat(double[][][] s) {
    for (double[][] layer : s) {
      roundToFloat(layer);
    }
    return s;
  }

  public static double[][] roundToFloat(double[][] m) {
    for (double[] row : m) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) row[j];
      }
    }
    return m;
  }

  public static Tensor tensor(Backend b, double[][] m) {
    return b.fromHost(ReferenceHopfield.toFloat(m), m.length, m[0].length);
  }

  public static State state(Backend b, double[][][] s) {
    Tensor[] layers = new Tensor[s.length];
    for (int k = 0; k < s.length; k++) {
      layers[k] = tensor(b, s[k]);
    }
    return State.of(List.of(layers));
  }

  /** Largest |a − b| over all elements, a row-major float tensor against a double matrix. */
  public static double maxAbsDiff(Backend backend, Tensor t, double[][] expected) {
    float[] got = backend.toHost(t);
    double max = 0;
    int cols = expected[0].length;
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < cols; j++) {
        max = Math.max(max, Math.abs(got[i * cols + j] - expected[i][j]));
      }
    }
    return max;
  }

  public static double maxAbsDiff(Backend backend, Tensor t, double[] expectedFlat) {
    float[] got = backend.toHost(t);
    double max = 0;
    for (int i = 0; i < expectedFlat.length; i++) {
      max = Math.max(max, Math.abs(got[i] - expectedFlat[i]));
    }
    return max;
  }

  public static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }
}
