package org.eqprop.backend.ejml;

/** The vector loops the fused relaxation is built from, over slices of float arrays. */
interface Lanes {

  /** {@code y[yo + i] += a·x[xo + i]} for {@code i < n}. */
  void axpy(float a, float[] x, int xo, float[] y, int yo, int n);

  /** Below this magnitude the fused Adam update stores a moment as 0. */
  float TINY = 1e-30f;

  /** {@code x}, or 0 when it is smaller than {@link #TINY} in magnitude. */
  static float flush(float x) {
    return Math.abs(x) < TINY ? 0f : x;
  }

  /** Samples a blocked product handles at once. */
  int BLOCK = 5;

  /**
   * For the {@link #BLOCK} samples {@code r}: {@code out_r[c] += Σ_p v_r[p]·m[p·cols + c]}, with
   * {@code v_r = v[r·rows …]}, {@code out_r = out[r·cols …]} and {@code m} of shape {@code rows ×
   * cols}.
   */
  void rowsTimes(float[] v, float[] m, int rows, int cols, float[] out);

  /** The row length, at least {@code n}, that lets {@link #rowsTimes} run without a ragged edge. */
  int padded(int n);

  /** {@code out[oo + i] = clip(x[xo + i], 0, 1)} for {@code i < n}. */
  void clip01(float[] x, int xo, float[] out, int oo, int n);

  /**
   * One step of the dynamics on a slice of a layer: with {@code v = s[so + i]},
   * {@code g = v − [0 ≤ v ≤ 1]·p[po + i] + beta·(v − y[yo + i])} (the last term only when {@code y} is
   * not null), then {@code s[so + i] = rho[ro + i] = clip(v − eps·g, 0, 1)}, for {@code i < n}.
   */
  void step(float[] s, int so, float[] rho, int ro, float[] p, int po, float[] y, int yo, float beta,
      float eps, int n);

  /**
   * A slice of a layer's energy: {@code Σ_i ½·s[so + i]² − clip(s[so + i], 0, 1)·p[po + i]} for
   * {@code i < n}, with {@code p} the layer's total input.
   */
  float energy(float[] s, int so, float[] p, int po, int n);

  /**
   * Adam's update of {@code n} elements in one pass (see {@link org.eqprop.api.tensor.AdamUpdate}):
   * {@code decay = 1 − lr·λ}, {@code step = lr/c₁}, {@code root = 1/√c₂}. Moments smaller than
   * {@link #TINY} in magnitude become 0: parameters whose gradient stays 0 (weights from the
   * always-blank border pixels) would otherwise decay theirs into subnormal floats, which make every
   * later pass several times slower; their share of an update is below {@code 1e-22·lr}.
   */
  void adam(float[] p, float[] g, float[] m, float[] v, float decay, float beta1, float beta2, float epsilon,
      float step, float root, int n);

  /** Plain Java loops, for JVMs without the Vector API. */
  final class Scalar implements Lanes {
    @Override
    public void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
      for (int i = 0; i < n; i++) {
        y[yo + i] += a * x[xo + i];
      }
    }

    @Override
    public void rowsTimes(float[] v, float[] m, int rows, int cols, float[] out) {
      for (int r = 0; r < BLOCK; r++) {
        for (int p = 0; p < rows; p++) {
          float a = v[r * rows + p];
          for (int c = 0; c < cols; c++) {
            out[r * cols + c] += a * m[p * cols + c];
          }
        }
      }
    }

    @Override
    public int padded(int n) {
      return n;
    }

    @Override
    public void clip01(float[] x, int xo, float[] out, int oo, int n) {
      for (int i = 0; i < n; i++) {
        out[oo + i] = clip01(x[xo + i]);
      }
    }

    @Override
    public void step(
        float[] s, int so, float[] rho, int ro, float[] p, int po, float[] y, int yo, float beta,
      float eps, int n) {
      step(s, so, rho, ro, p, po, y, yo, beta, eps, 0, n);
    }

    /** {@link Lanes#step} for {@code i} in {@code [from, n)}: also the vector kernels' ragged end. */
    static void step(float[] s, int so, float[] rho, int ro, float[] p, int po, float[] y, int yo, float beta,
        float eps, int from, int n) {
      for (int i = from; i < n; i++) {
        float v = s[so + i];
        float g = v - (v >= 0f && v <= 1f ? p[po + i] : 0f);
        if (y != null) {
          g += beta * (v - y[yo + i]);
        }
        s[so + i] = rho[ro + i] = clip01(v - eps * g);
      }
    }

    @Override
    public float energy(float[] s, int so, float[] p, int po, int n) {
      return energy(s, so, p, po, 0, n);
    }

    /** {@link Lanes#energy} for {@code i} in {@code [from, n)}: also the vector kernels' ragged end. */
    static float energy(float[] s, int so, float[] p, int po, int from, int n) {
      float e = 0f;
      for (int i = from; i < n; i++) {
        float v = s[so + i];
        e += 0.5f * v * v - clip01(v) * p[po + i];
      }
      return e;
    }

    @Override
    public void adam(float[] p, float[] g, float[] m, float[] v, float decay, float beta1, float beta2,
        float epsilon, float step, float root, int n) {
      adam(p, g, m, v, decay, beta1, beta2, epsilon, step, root, 0, n);
    }

    /** {@link Lanes#adam} for {@code i} in {@code [from, n)}: also the vector kernels' ragged end. */
    static void adam(float[] p, float[] g, float[] m, float[] v, float decay, float beta1, float beta2,
        float epsilon, float step, float root, int from, int n) {
      for (int i = from; i < n; i++) {
        float gi = g[i];
        float mi = m[i] = flush(beta1 * m[i] + (1f - beta1) * gi);
        float vi = v[i] = flush(beta2 * v[i] + (1f - beta2) * gi * gi);
        p[i] = p[i] * decay - step * mi / ((float) Math.sqrt(vi) * root + epsilon);
      }
    }

    private static float clip01(float v) {
      return v < 0f ? 0f : v > 1f ? 1f : v;
    }
  }
}
