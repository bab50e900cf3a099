package org.eqprop.api.check;

import java.util.ArrayList;
import java.util.List;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Cost;
import org.eqprop.api.Energy;
import org.eqprop.api.Parameter;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * The exact gradient of the loss at a free fixed point, {@code dL/dθ} with {@code L = (1/B)·Σ
 * C(s*_N, d)}, by implicit differentiation (recurrent backpropagation) through any {@link Energy}:
 * the reference that EP estimates are checked against.
 *
 * <p>At a fixed point of the clipped dynamics the units strictly inside {@code (0, 1)} are free and
 * satisfy {@code ∂E/∂s = 0}; units at a bound stay there under small changes of {@code θ}. With
 * {@code H} the Hessian {@code ∂²E/∂s²} on the free units and {@code g = ∂L/∂s} on them,
 *
 * <pre>
 *   H·λ = g,     dL/dθ = −∂²E/∂θ∂s · λ
 * </pre>
 *
 * solved by conjugate gradients (in double, on the host) with Hessian-vector products taken as
 * central differences of {@link ClampedEnergy#stateGradient}, and the mixed term as central
 * differences of {@link ClampedEnergy#accumulateParameterGradient} along {@code λ}. For energies
 * quadratic in the state inside the box (the layered Hopfield network) these differences are exact
 * up to float rounding; the step is kept below the distance of most free units to a bound.
 */
public final class ImplicitGradient {
  private static final double STEP = 1e-3;

  private final Energy energy;
  private final Backend backend;

  /** The result: the gradient per parameter and how the linear solve went. */
  public record Result(List<double[]> gradient, int iterations, double residual, int freeUnits, int units) {}

  /** @param energy the model, whose {@link Energy#parameters()} the gradient is taken for */
  public ImplicitGradient(Energy energy) {
    this.energy = energy;
    this.backend = energy.backend();
  }

  /**
   * @param clamped the energy with the batch's input clamped
   * @param cost the loss {@code C}
   * @param target the targets {@code d}
   * @param fixedPoint the free fixed point {@code s*} (not changed)
   * @param tolerance stop the solve when {@code ‖Hλ − g‖ ≤ tolerance·‖g‖}
   * @param maxIterations the most conjugate-gradient iterations
   */
  public Result gradient(ClampedEnergy clamped, Cost cost, Tensor target, State fixedPoint, double tolerance,
      int maxIterations) {
    int layers = fixedPoint.size();
    int batch = fixedPoint.batchSize();
    int[] sizes = new int[layers];
    float[][] s = new float[layers][];
    boolean[][] free = new boolean[layers][];
    int freeUnits = 0;
    int units = 0;
    for (int k = 0; k < layers; k++) {
      sizes[k] = fixedPoint.layer(k).cols();
      s[k] = backend.toHost(fixedPoint.layer(k));
      free[k] = new boolean[s[k].length];
      for (int i = 0; i < s[k].length; i++) {
        free[k][i] = s[k][i] > 0f && s[k][i] < 1f;
        freeUnits += free[k][i] ? 1 : 0;
      }
      units += s[k].length;
    }
    double[][] g = new double[layers][];
    for (int k = 0; k < layers; k++) {
      g[k] = new double[s[k].length];
    }
    try (Tensor grad = backend.zeros(batch, sizes[layers - 1])) {
      cost.gradient(fixedPoint.output(), target, grad);
      float[] c = backend.toHost(grad);
      for (int i = 0; i < c.length; i++) {
        g[layers - 1][i] = free[layers - 1][i] ? c[i] / (double) batch : 0;
      }
    }
    try (State plus = State.zeros(backend, batch, sizes);
        State minus = State.zeros(backend, batch, sizes);
        State gPlus = State.zeros(backend, batch, sizes);
        State gMinus = State.zeros(backend, batch, sizes)) {
      Perturbed p = new Perturbed(s, plus, minus);
      // conjugate gradients on the free units
      double[][] lambda = zeros(g);
      double[][] r = copy(g);
      double[][] d = copy(g);
      double rr = dot(r, r);
      double stop = tolerance * tolerance * rr;
      int it = 0;
      while (it < maxIterations && rr > stop) {
        double[][] hd = hessianTimes(clamped, p, d, free, gPlus, gMinus);
        double alpha = rr / dot(d, hd);
        axpy(alpha, d, lambda);
        axpy(-alpha, hd, r);
        double next = dot(r, r);
        for (int k = 0; k < layers; k++) {
          for (int i = 0; i < d[k].length; i++) {
            d[k][i] = r[k][i] + next / rr * d[k][i];
          }
        }
        rr = next;
        it++;
      }
      double residual = Math.sqrt(rr / Math.max(dot(g, g), Double.MIN_NORMAL));
      // dL/dθ = −∂/∂θ ⟨∂E/∂s, λ⟩, by central differences along λ
      double scale = Math.max(maxAbs(lambda), Double.MIN_NORMAL);
      p.set(lambda, STEP / scale);
      List<Parameter> params = energy.parameters();
      List<Tensor> out = new ArrayList<>();
      try {
        for (Parameter q : params) {
          out.add(backend.zeros(q.value().rows(), q.value().cols()));
        }
        float h = (float) (STEP / scale);
        clamped.accumulateParameterGradient(p.plus, -1f / (2 * h), out);
        clamped.accumulateParameterGradient(p.minus, 1f / (2 * h), out);
        List<double[]> result = new ArrayList<>();
        for (Tensor t : out) {
          float[] v = backend.toHost(t);
          double[] dv = new double[v.length];
          for (int i = 0; i < v.length; i++) {
            dv[i] = v[i];
          }
          result.add(dv);
        }
        return new Result(result, it, residual, freeUnits, units);
      } finally {
        out.forEach(Tensor::close);
      }
    }
  }

  /** {@code s ± h·v} uploaded into two states. */
  private final class Perturbed {
    final float[][] s;
    final State plus;
    final State minus;

    Perturbed(float[][] s, State plus, State minus) {
      this.s = s;
      this.plus = plus;
      this.minus = minus;
    }

    void set(double[][] v, double h) {
      for (int k = 0; k < s.length; k++) {
        float[] a = new float[s[k].length];
        float[] b = new float[s[k].length];
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) (s[k][i] + h * v[k][i]);
          b[i] = (float) (s[k][i] - h * v[k][i]);
        }
        backend.upload(a, plus.layer(k));
        backend.upload(b, minus.layer(k));
      }
    }
  }

  private double[][] hessianTimes(ClampedEnergy clamped, Perturbed p, double[][] v, boolean[][] free, State gPlus,
      State gMinus) {
    double scale = Math.max(maxAbs(v), Double.MIN_NORMAL);
    double h = STEP / scale;
    p.set(v, h);
    clamped.stateGradient(p.plus, gPlus);
    clamped.stateGradient(p.minus, gMinus);
    double[][] out = new double[v.length][];
    for (int k = 0; k < v.length; k++) {
      float[] a = backend.toHost(gPlus.layer(k));
      float[] b = backend.toHost(gMinus.layer(k));
      out[k] = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        out[k][i] = free[k][i] ? ((double) a[i] - b[i]) / (2 * h) : 0;
      }
    }
    return out;
  }

  private static double[][] zeros(double[][] like) {
    double[][] out = new double[like.length][];
    for (int k = 0; k < like.length; k++) {
      out[k] = new double[like[k].length];
    }
    return out;
  }

  private static double[][] copy(double[][] v) {
    double[][] out = new double[v.length][];
    for (int k = 0; k < v.length; k++) {
      out[k] = v[k].clone();
    }
    return out;
  }

  private static double dot(double[][] a, double[][] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      for (int i = 0; i < a[k].length; i++) {
        s += a[k][i] * b[k][i];
      }
    }
    return s;
  }

  private static void axpy(double alpha, double[][] x, double[][] y) {
    for (int k = 0; k < x.length; k++) {
      for (int i = 0; i < x[k].length; i++) {
        y[k][i] += alpha * x[k][i];
      }
    }
  }

  private static double maxAbs(double[][] v) {
    double m = 0;
    for (double[] row : v) {
      for (double x : row) {
        m = Math.max(m, Math.abs(x));
      }
    }
    return m;
  }
}
