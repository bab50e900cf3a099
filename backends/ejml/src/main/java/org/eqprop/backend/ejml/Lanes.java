package org.eqprop.backend.ejml;

/** The vector loops the fused relaxation is built from, over slices of float arrays. */
interface Lanes {

  /** {@code y[yo + i] += a·x[xo + i]} for {@code i < n}. */
  void axpy(float a, float[] x, int xo, float[] y, int yo, int n);

  /** {@code y[yo + i] += x[xo + i]} for {@code i < n}: rows as short as a convolution's output rows. */
  void addRow(float[] x, int xo, float[] y, int yo, int n);

  /**
   * Sums of a few scaled rows of a row-major matrix {@code w} ({@code n} columns), for each of
   * {@code outRows} outputs: {@code out[r·n + i] = Σ_{q < count[r]} val[r·stride + q]·w[row[r·stride +
   * q]·n + i]} for {@code i < n}, summed in that order (0 where {@code count[r]} is 0). A
   * convolution's transpose from a sparse output: each position's nonzero channels.
   */
  void combineRows(float[] w, int n, int[] row, float[] val, int[] count, int stride, int outRows, float[] out);

  /** Below this magnitude the fused Adam update stores a moment as 0. */
  float TINY = 1e-30f;

  /** {@code x}, or 0 when it is smaller than {@link #TINY} in magnitude. */
  static float flush(float x) {
    return Math.abs(x) < TINY ? 0f : x;
  }

  /** {@code v} clipped to {@code [0, 1]}. */
  static float clip01(float v) {
    return v < 0f ? 0f : v > 1f ? 1f : v;
  }

  /**
   * Samples the relaxation handles at once. A layer of a block is laid out unit by unit: the
   * {@code block()} samples' values of unit {@code j} side by side at {@code [j·block() …]}.
   */
  int block();

  /** The unit count, at least {@code n}, that lets {@link #inputs} run without a ragged edge. */
  int padded(int n);

  /**
   * Lays out {@code M = w} ({@code rows × cols}, row-major) or, with {@code transpose}, {@code M =
   * wᵀ}, for {@link #inputs}: {@code out} holds {@code R × padded(C)} values for {@code M} of shape
   * {@code R × C}, the padded columns 0, in an order of this implementation's choosing.
   */
  void arrange(float[] w, int rows, int cols, boolean transpose, float[] out);

  /**
   * Copies a layer of samples {@code i … i+count−1} ({@code count ≤ B =} {@link #block()}) into a
   * block: {@code to[j·B + r] = from[(i + r)·units + j]} for {@code j < units}; lanes {@code r ≥ count}
   * repeat the last sample; the units of {@code to} past {@code units} become 0.
   */
  void gather(float[] from, int i, int count, int units, float[] to);

  /** The inverse of {@link #gather}, for the lanes {@code r < count}. */
  void scatter(float[] from, int units, float[] to, int i, int count);

  /** {@code out[i] = clip(x[i], 0, 1)} for {@code i < n}. */
  void clip01(float[] x, float[] out, int n);

  /** Whether {@link #inputs} skips, for {@code cols} (padded) units, the rows 0 in every lane. */
  boolean skipsZeroRows(int cols);

  /** {@code out[i] = a[i] − b[i]} for {@code i < n}. */
  void difference(float[] a, float[] b, float[] out, int n);

  /** {@code to[j·B + r] += add[j]} for {@code j < units} and every lane {@code r}. */
  void addPerUnit(float[] add, int units, float[] to);

  /**
   * A layer's input for a block of {@code B =} {@link #block()} samples, for units {@code j < cols}
   * ({@link #padded}): {@code out[j·B + r] = p = base[j·B + r] + Σ_{q<downRows} vDown[q·B + r]·D[q][j]
   * + Σ_{q<upRows} vUp[q·B + r]·U[q][j]}, summed in that order (a row 0 in every lane may be left
   * out), with {@code mDown} and {@code mUp} the {@link #arrange}d matrices {@code D} and {@code U}.
   * When {@code s} is not null, {@code out} gets instead one step of the dynamics from the states
   * {@code v = s[j·B + r]}, which must lie in {@code [0, 1]} (or be NaN), as every step leaves them:
   * {@code out[j·B + r] = clip(v − eps·(v − p + beta·(v − y[j·B + r])), 0, 1)}, the {@code y} term
   * only when {@code y} is not null. When {@code keep} is not null it gets {@code p} as well; it may
   * be {@code base}, which lets a caller add to the inputs it kept the products of what changed
   * since. {@code out} must not be {@code s}, {@code vDown}, {@code vUp} or {@code keep}.
   */
  void inputs(float[] base, float[] vDown, float[] mDown, int downRows, float[] vUp, float[] mUp, int upRows,
      int cols, float[] out, float[] keep, float[] s, float[] y, float beta, float eps);

  /**
   * One step of the dynamics on {@code n} values: with {@code v = s[i]}, {@code g = v − [0 ≤ v ≤
   * 1]·p[i] + beta·(v − y[i])} (the last term only when {@code y} is not null), then {@code s[i] =
   * rho[i] = clip(v − eps·g, 0, 1)}. {@code p} may be {@code rho}.
   */
  void step(float[] s, float[] rho, float[] p, float[] y, float beta, float eps, int n);

  /**
   * Adds to each of a block's samples {@code r} its layer's energy {@code e[r] += Σ_{j<units}
   * ½·s[j·B + r]² − clip(s[j·B + r], 0, 1)·p[j·B + r]}, {@code p} being the layer's total input.
   */
  void energy(float[] s, float[] p, int units, float[] e);

  /**
   * Adam's update of {@code n} elements in one pass (see {@link org.eqprop.models.optim.AdamUpdate}):
   * {@code decay = 1 − lr·λ}, {@code step = lr/c₁}, {@code root = 1/√c₂}. Moments smaller than
   * {@link #TINY} in magnitude become 0: parameters whose gradient stays 0 (weights from the
   * always-blank border pixels) would otherwise decay theirs into subnormal floats, which make every
   * later pass several times slower; their share of an update is below {@code 1e-22·lr}.
   */
  void adam(float[] p, float[] g, float[] m, float[] v, float decay, float beta1, float beta2, float epsilon,
      float step, float root, int n);

  /**
   * One row of a contrast's operands ({@link EjmlChainContrast}): for {@code i < n}, with {@code ra =
   * clip(a[o+i], 0, 1)} and {@code rb = clip(b[o+i], 0, 1)}: {@code rhoA[o+i] = ra}, {@code rhoB[o+i]
   * = rb}, {@code sum[so+i] += ra − rb} and, when {@code diff} is not null, {@code diff[o+i] = ra − rb}.
   */
  void contrastRow(float[] a, float[] b, int o, int n, float[] sum, int so, float[] rhoA, float[] rhoB,
      float[] diff);

  /** {@link #contrastRow} for {@code from ≤ i < n}, in plain Java. */
  static void contrastRow(float[] a, float[] b, int o, int from, int n, float[] sum, int so, float[] rhoA,
      float[] rhoB, float[] diff) {
    for (int i = from; i < n; i++) {
      float ra = clip01(a[o + i]);
      float rb = clip01(b[o + i]);
      rhoA[o + i] = ra;
      rhoB[o + i] = rb;
      sum[so + i] += ra - rb;
      if (diff != null) {
        diff[o + i] = ra - rb;
      }
    }
  }

  /** Plain Java loops, for JVMs without the Vector API: a block of one sample. */
  final class Scalar implements Lanes {
    @Override
    public void contrastRow(float[] a, float[] b, int o, int n, float[] sum, int so, float[] rhoA, float[] rhoB,
        float[] diff) {
      Lanes.contrastRow(a, b, o, 0, n, sum, so, rhoA, rhoB, diff);
    }

    @Override
    public void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
      for (int i = 0; i < n; i++) {
        y[yo + i] += a * x[xo + i];
      }
    }

    @Override
    public void addRow(float[] x, int xo, float[] y, int yo, int n) {
      for (int i = 0; i < n; i++) {
        y[yo + i] += x[xo + i];
      }
    }

    @Override
    public void combineRows(float[] w, int n, int[] row, float[] val, int[] count, int stride, int outRows,
        float[] out) {
      for (int r = 0; r < outRows; r++) {
        java.util.Arrays.fill(out, r * n, (r + 1) * n, 0f);
        for (int q = r * stride, end = q + count[r]; q < end; q++) {
          axpy(val[q], w, row[q] * n, out, r * n, n);
        }
      }
    }

    @Override
    public int block() {
      return 1;
    }

    @Override
    public int padded(int n) {
      return n;
    }

    @Override
    public void arrange(float[] w, int rows, int cols, boolean transpose, float[] out) {
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          out[transpose ? j * rows + i : i * cols + j] = w[i * cols + j];
        }
      }
    }

    @Override
    public void gather(float[] from, int i, int count, int units, float[] to) {
      System.arraycopy(from, i * units, to, 0, units);
      java.util.Arrays.fill(to, units, to.length, 0f);
    }

    @Override
    public void scatter(float[] from, int units, float[] to, int i, int count) {
      System.arraycopy(from, 0, to, i * units, units);
    }

    @Override
    public void clip01(float[] x, float[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = Lanes.clip01(x[i]);
      }
    }

    @Override
    public boolean skipsZeroRows(int cols) {
      return false;
    }

    @Override
    public void difference(float[] a, float[] b, float[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = a[i] - b[i];
      }
    }

    @Override
    public void addPerUnit(float[] add, int units, float[] to) {
      for (int j = 0; j < units; j++) {
        to[j] += add[j];
      }
    }

    @Override
    public void inputs(float[] base, float[] vDown, float[] mDown, int downRows, float[] vUp, float[] mUp,
        int upRows, int cols, float[] out, float[] keep, float[] s, float[] y, float beta, float eps) {
      for (int j = 0; j < cols; j++) {
        float p = base[j];
        for (int q = 0; q < downRows; q++) {
          p += vDown[q] * mDown[q * cols + j];
        }
        for (int q = 0; q < upRows; q++) {
          p += vUp[q] * mUp[q * cols + j];
        }
        if (keep != null) {
          keep[j] = p;
        }
        out[j] = s == null ? p : stepped(s[j], p, y, j, beta, eps);
      }
    }

    @Override
    public void step(float[] s, float[] rho, float[] p, float[] y, float beta, float eps, int n) {
      for (int i = 0; i < n; i++) {
        s[i] = rho[i] = stepped(s[i], p[i], y, i, beta, eps);
      }
    }

    /** One value's step: {@code clip(v − eps·(v − [0 ≤ v ≤ 1]·p + beta·(v − y[i])), 0, 1)}. */
    private static float stepped(float v, float p, float[] y, int i, float beta, float eps) {
      float g = v - (v >= 0f && v <= 1f ? p : 0f);
      if (y != null) {
        g += beta * (v - y[i]);
      }
      return Lanes.clip01(v - eps * g);
    }

    @Override
    public void energy(float[] s, float[] p, int units, float[] e) {
      float sum = 0f;
      for (int j = 0; j < units; j++) {
        float v = s[j];
        sum += 0.5f * v * v - Lanes.clip01(v) * p[j];
      }
      e[0] += sum;
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

  }
}
