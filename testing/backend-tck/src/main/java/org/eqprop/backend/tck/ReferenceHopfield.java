package org.eqprop.backend.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A plain double-precision implementation of the paper's layered network, written straight from
 * the formulas of the algorithm guide with nested loops: the reference the float32 code is checked
 * against. Matrices are {@code double[rows][cols]}; a state is one {@code batch × n_k} matrix per
 * free layer.
 */
public final class ReferenceHopfield {
  public final int[] sizes;
  /** {@code w[k]} is {@code W_{k+1}}, {@code n_k × n_{k+1}}. */
  public final double[][][] w;
  /** {@code b[k]} is {@code b_{k+1}}. */
  public final double[][] b;

  public ReferenceHopfield(int[] sizes, double[][][] w, double[][] b) {
    this.sizes = sizes.clone();
    this.w = w;
    this.b = b;
  }

  /** Random weights {@code U(±scale)} and biases {@code U(±biasScale)}. */
  public static ReferenceHopfield random(int[] sizes, long seed, double scale, double biasScale) {
    Random r = new Random(seed);
    double[][][] w = new double[sizes.length - 1][][];
    double[][] b = new double[sizes.length - 1][];
    for (int k = 0; k + 1 < sizes.length; k++) {
      w[k] = new double[sizes[k]][sizes[k + 1]];
      for (double[] row : w[k]) {
        for (int j = 0; j < row.length; j++) {
          row[j] = (2 * r.nextDouble() - 1) * scale;
        }
      }
      b[k] = new double[sizes[k + 1]];
      for (int j = 0; j < b[k].length; j++) {
        b[k][j] = (2 * r.nextDouble() - 1) * biasScale;
      }
    }
    return new ReferenceHopfield(sizes, w, b);
  }

  public ReferenceHopfield copy() {
    double[][][] w2 = new double[w.length][][];
    double[][] b2 = new double[b.length][];
    for (int k = 0; k < w.length; k++) {
      w2[k] = deepCopy(w[k]);
      b2[k] = b[k].clone();
    }
    return new ReferenceHopfield(sizes, w2, b2);
  }

  public int layers() {
    return sizes.length - 1;
  }

  public static double rho(double v) {
    return Math.min(Math.max(v, 0), 1);
  }

  public static double rhoPrime(double v) {
    return v >= 0 && v <= 1 ? 1 : 0;
  }

  /** The input of layer {@code k} of sample {@code i}, ρ(s_{k−1}) with s_{-1} = x. */
  private double[] below(double[][] x, double[][][] s, int k, int i) {
    return k == 0 ? x[i] : s[k - 1][i];
  }

  /** Energy of each sample. */
  public double[] energy(double[][] x, double[][][] s) {
    int batch = x.length;
    double[] e = new double[batch];
    for (int i = 0; i < batch; i++) {
      for (int k = 0; k < layers(); k++) {
        double[] sk = s[k][i];
        double[] lo = below(x, s, k, i);
        for (int j = 0; j < sk.length; j++) {
          e[i] += 0.5 * sk[j] * sk[j] - b[k][j] * rho(sk[j]);
          for (int a = 0; a < lo.length; a++) {
            e[i] -= rho(lo[a]) * w[k][a][j] * rho(sk[j]);
          }
        }
      }
    }
    return e;
  }

  /** Cost ½‖s_N − d‖² of each sample. */
  public double[] cost(double[][][] s, double[][] d) {
    double[][] y = s[layers() - 1];
    double[] c = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      for (int j = 0; j < y[i].length; j++) {
        c[i] += 0.5 * (y[i][j] - d[i][j]) * (y[i][j] - d[i][j]);
      }
    }
    return c;
  }

  /** ∂F/∂s with F = E + β·C, per layer. */
  public double[][][] stateGradient(double[][] x, double[][][] s, double beta, double[][] d) {
    int batch = x.length;
    double[][][] g = new double[layers()][][];
    for (int k = 0; k < layers(); k++) {
      g[k] = new double[batch][sizes[k + 1]];
      for (int i = 0; i < batch; i++) {
        double[] lo = below(x, s, k, i);
        for (int j = 0; j < sizes[k + 1]; j++) {
          double drive = b[k][j];
          for (int a = 0; a < lo.length; a++) {
            drive += rho(lo[a]) * w[k][a][j];
          }
          if (k + 1 < layers()) {
            double[] up = s[k + 1][i];
            for (int c = 0; c < up.length; c++) {
              drive += rho(up[c]) * w[k + 1][j][c];
            }
          }
          double v = s[k][i][j];
          g[k][i][j] = v - rhoPrime(v) * drive;
          if (k == layers() - 1 && beta != 0) {
            g[k][i][j] += beta * (v - d[i][j]);
          }
        }
      }
    }
    return g;
  }

  /** {@code steps} synchronous steps {@code s ← clip(s − eps·∂F/∂s, 0, 1)}, in place. */
  public void relax(double[][] x, double[][][] s, int steps, double eps, double beta, double[][] d) {
    for (int t = 0; t < steps; t++) {
      double[][][] g = stateGradient(x, s, beta, d);
      for (int k = 0; k < layers(); k++) {
        for (int i = 0; i < x.length; i++) {
          for (int j = 0; j < sizes[k + 1]; j++) {
            s[k][i][j] = rho(s[k][i][j] - eps * g[k][i][j]);
          }
        }
      }
    }
  }

  /** ∂E/∂W_k and ∂E/∂b_k summed over the batch, in the order W1, b1, W2, b2, … (flattened). */
  public List<double[]> parameterGradient(double[][] x, double[][][] s) {
    List<double[]> out = new ArrayList<>();
    for (int k = 0; k < layers(); k++) {
      int nIn = sizes[k];
      int nOut = sizes[k + 1];
      double[] gw = new double[nIn * nOut];
      double[] gb = new double[nOut];
      for (int i = 0; i < x.length; i++) {
        double[] lo = below(x, s, k, i);
        for (int a = 0; a < nIn; a++) {
          for (int j = 0; j < nOut; j++) {
            gw[a * nOut + j] -= rho(lo[a]) * rho(s[k][i][j]);
          }
        }
        for (int j = 0; j < nOut; j++) {
          gb[j] -= rho(s[k][i][j]);
        }
      }
      out.add(gw);
      out.add(gb);
    }
    return out;
  }

  public double[][][] zeroState(int batch) {
    double[][][] s = new double[layers()][][];
    for (int k = 0; k < layers(); k++) {
      s[k] = new double[batch][sizes[k + 1]];
    }
    return s;
  }

  public static double[][][] copyState(double[][][] s) {
    double[][][] c = new double[s.length][][];
    for (int k = 0; k < s.length; k++) {
      c[k] = deepCopy(s[k]);
    }
    return c;
  }

  public static double[][] deepCopy(double[][] m) {
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }

  public static float[] toFloat(double[][] m) {
    float[] out = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        out[i * m[i].length + j] = (float) m[i][j];
      }
    }
    return out;
  }

  public static float[] toFloat(double[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
    }
    return out;
  }

  /** Parameter list as floats, for {@code LayeredHopfield.of}. */
  public List<float[]> floatWeights() {
    List<float[]> out = new ArrayList<>();
    for (double[][] m : w) {
      out.add(toFloat(m));
    }
    return out;
  }

  public List<float[]> floatBiases() {
    List<float[]> out = new ArrayList<>();
    for (double[] v : b) {
      out.add(toFloat(v));
    }
    return out;
  }
}
