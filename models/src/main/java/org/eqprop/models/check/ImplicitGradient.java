package org.eqprop.models.check;

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
 * central differences of {@link ClampedEnergy#stateGradient} (each sample's own, so no sum over
 * the batch enters them), and the mixed term as central differences of {@link
 * ClampedEnergy#accumulateContrast} along {@code λ}, taken <em>one sample at a time</em> with the
 * sample clamped alone and summed over the samples in double: a float32 difference of two sums
 * over a whole batch would lose the few samples that carry the gradient in the rounding of all the
 * others (on a trained network, most examples' outputs sit at a bound and carry none). For
 * energies quadratic in the state inside the box (the layered Hopfield network) these differences
 * are exact up to float rounding; the step is kept below the distance of most free units to a
 * bound.
 *
 * <p>A cost with parameters of its own (a readout) adds its direct term {@code ∂L/∂θ_c = (1/B)·Σ
 * ∂C/∂θ_c(s*_N, d)} after the energy's parameters, in the order of {@link Parameter#trainable}.
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
   * @param input the batch's input {@code x} ({@code batch × inputs})
   * @param cost the loss {@code C}
   * @param target the targets {@code d}
   * @param fixedPoint the free fixed point {@code s*} of that input (not changed)
   * @param tolerance stop the solve when {@code ‖Hλ − g‖ ≤ tolerance·‖g‖}
   * @param maxIterations the most conjugate-gradient iterations
   */
  public Result gradient(Tensor input, Cost cost, Tensor target, State fixedPoint, double tolerance,
      int maxIterations) {
    try (ClampedEnergy clamped = energy.clamp(input)) {
      return gradient(clamped, input, cost, target, fixedPoint, tolerance, maxIterations);
    }
  }

  private Result gradient(ClampedEnergy clamped, Tensor input, Cost cost, Tensor target, State fixedPoint,
      double tolerance, int maxIterations) {
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
      List<double[]> gradient = mixedTerm(input, s, lambda);
      gradient.addAll(direct(cost, fixedPoint.output(), target));
      return new Result(gradient, it, residual, freeUnits, units);
    }
  }

  /**
   * {@code −∂/∂θ ⟨∂E/∂s, λ⟩} summed over the samples, each sample's term a central difference
   * along its own {@code λ} with the sample clamped alone, added up in double. Samples whose {@code
   * λ} is zero (every free unit's loss gradient zero) add nothing and are skipped.
   */
  private List<double[]> mixedTerm(Tensor input, float[][] s, double[][] lambda) {
    int layers = s.length;
    int batch = input.rows();
    int[] sizes = new int[layers];
    for (int k = 0; k < layers; k++) {
      sizes[k] = s[k].length / batch;
    }
    List<Parameter> params = energy.parameters();
    List<double[]> result = new ArrayList<>();
    List<Tensor> out = new ArrayList<>();
    try (Tensor x = backend.zeros(1, input.cols());
        State plus = State.zeros(backend, 1, sizes);
        State minus = State.zeros(backend, 1, sizes)) {
      for (Parameter q : params) {
        out.add(backend.zeros(q.value().rows(), q.value().cols()));
        result.add(new double[Math.toIntExact(q.value().size())]);
      }
      for (int i = 0; i < batch; i++) {
        double scale = 0;
        for (int k = 0; k < layers; k++) {
          for (int j = 0; j < sizes[k]; j++) {
            scale = Math.max(scale, Math.abs(lambda[k][i * sizes[k] + j]));
          }
        }
        if (scale == 0) {
          continue;
        }
        double h = STEP / scale;
        for (int k = 0; k < layers; k++) {
          float[] a = new float[sizes[k]];
          float[] b = new float[sizes[k]];
          for (int j = 0; j < sizes[k]; j++) {
            int at = i * sizes[k] + j;
            a[j] = (float) (s[k][at] + h * lambda[k][at]);
            b[j] = (float) (s[k][at] - h * lambda[k][at]);
          }
          backend.upload(a, plus.layer(k));
          backend.upload(b, minus.layer(k));
        }
        backend.gatherRows(input, new int[] {i}, x);
        out.forEach(t -> backend.fill(t, 0f));
        try (ClampedEnergy alone = energy.clamp(x)) {
          alone.accumulateContrast(plus, minus, (float) (-1 / (2 * h)), out);
        }
        for (int p = 0; p < out.size(); p++) {
          float[] v = backend.toHost(out.get(p));
          double[] sum = result.get(p);
          for (int j = 0; j < v.length; j++) {
            sum[j] += v[j];
          }
        }
      }
      return result;
    } finally {
      out.forEach(Tensor::close);
    }
  }

  /** The cost's own parameters' gradient at the fixed point's output, averaged over the batch. */
  private List<double[]> direct(Cost cost, Tensor output, Tensor target) {
    List<double[]> result = new ArrayList<>();
    List<Tensor> grads = new ArrayList<>();
    try {
      for (Parameter q : cost.parameters()) {
        grads.add(backend.zeros(q.value().rows(), q.value().cols()));
      }
      if (!grads.isEmpty()) {
        cost.accumulateParameterGradient(output, target, 1f / output.rows(), grads);
      }
      for (Tensor g : grads) {
        float[] v = backend.toHost(g);
        double[] d = new double[v.length];
        for (int j = 0; j < v.length; j++) {
          d[j] = v[j];
        }
        result.add(d);
      }
      return result;
    } finally {
      grads.forEach(Tensor::close);
    }
  }

  /** {@code s ± h_i·v} uploaded into two states, with a step {@code h_i} of each sample's own. */
  private final class Perturbed {
    final float[][] s;
    final State plus;
    final State minus;
    final int batch;

    Perturbed(float[][] s, State plus, State minus) {
      this.s = s;
      this.plus = plus;
      this.minus = minus;
      this.batch = plus.batchSize();
    }

    /**
     * Sets the states for direction {@code v}, sample {@code i} moved by {@code h_i = STEP / max
     * |v_i|} (0 where its {@code v_i} is zero), so that every sample's difference is resolved in
     * float32 however small its part of {@code v}.
     *
     * @return the steps {@code h_i}
     */
    double[] set(double[][] v) {
      double[] h = new double[batch];
      for (int k = 0; k < s.length; k++) {
        int n = s[k].length / batch;
        for (int i = 0; i < s[k].length; i++) {
          h[i / n] = Math.max(h[i / n], Math.abs(v[k][i]));
        }
      }
      for (int i = 0; i < batch; i++) {
        h[i] = h[i] == 0 ? 0 : STEP / h[i];
      }
      for (int k = 0; k < s.length; k++) {
        int n = s[k].length / batch;
        float[] a = new float[s[k].length];
        float[] b = new float[s[k].length];
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) (s[k][i] + h[i / n] * v[k][i]);
          b[i] = (float) (s[k][i] - h[i / n] * v[k][i]);
        }
        backend.upload(a, plus.layer(k));
        backend.upload(b, minus.layer(k));
      }
      return h;
    }
  }

  /** {@code H·v} on the free units, each sample's block by its own central difference. */
  private double[][] hessianTimes(ClampedEnergy clamped, Perturbed p, double[][] v, boolean[][] free, State gPlus,
      State gMinus) {
    double[] h = p.set(v);
    clamped.stateGradient(p.plus, gPlus);
    clamped.stateGradient(p.minus, gMinus);
    double[][] out = new double[v.length][];
    for (int k = 0; k < v.length; k++) {
      float[] a = backend.toHost(gPlus.layer(k));
      float[] b = backend.toHost(gMinus.layer(k));
      int n = a.length / p.batch;
      out[k] = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        double hi = h[i / n];
        out[k][i] = free[k][i] && hi > 0 ? ((double) a[i] - b[i]) / (2 * hi) : 0;
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
}
