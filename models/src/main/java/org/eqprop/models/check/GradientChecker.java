package org.eqprop.models.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Energy;
import org.eqprop.api.Parameter;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * Compares every hand-written gradient of an {@link Energy} with central finite differences of
 * its {@link ClampedEnergy#energy}, term by term: the state gradient of each layer, the gradient of
 * each parameter, and {@link ClampedEnergy#accumulateContrast} against the difference of two
 * parameter gradients. States are drawn inside (0.05, 0.95) so that clipped activations stay away
 * from their kinks.
 *
 * <p>Finite differences are taken in the backend's float32 with step {@code h = 0.01}; a term passes
 * when its largest error is below {@code tolerance} times the larger of 1 and the largest gradient
 * entry. Energies quadratic in the perturbed value (such as the layered Hopfield energy) have exact
 * central differences, so only rounding remains; a wrong term is off by far more.
 */
public final class GradientChecker {
  /** The default relative tolerance. */
  public static final double DEFAULT_TOLERANCE = 5e-3;

  private static final float H = 0.01f;

  private final Energy energy;
  private final Backend backend;
  private final int batch;
  private final double tolerance;
  private final int maxEntries;
  private final SplittableRandom random;

  /**
   * @param energy the model to check (small layer sizes keep the check fast)
   * @param batch samples in the random batch
   * @param seed seeds the random input, states and sampled entries
   * @param tolerance relative tolerance, e.g. {@link #DEFAULT_TOLERANCE}
   * @param maxEntries the most entries of each tensor compared (chosen at random beyond that)
   */
  public GradientChecker(Energy energy, int batch, long seed, double tolerance, int maxEntries) {
    this.energy = energy;
    this.backend = energy.backend();
    this.batch = batch;
    this.tolerance = tolerance;
    this.maxEntries = maxEntries;
    this.random = new SplittableRandom(seed);
  }

  /**
   * One checked term.
   *
   * @param name e.g. {@code dE/ds layer 2} or {@code dE/dW1}
   * @param maxError largest absolute difference between hand-written and finite-difference values
   * @param scale the larger of 1 and the largest finite-difference value
   * @param ok whether {@code maxError <= tolerance * scale}
   * @param worst where the largest difference is and both values there
   */
  public record Term(String name, double maxError, double scale, boolean ok, String worst) {}

  /**
   * All checked terms.
   *
   * @param terms in order: state gradients, parameter gradients, contrasts
   */
  public record Report(List<Term> terms) {
    /** Whether every term passed. */
    public boolean ok() {
      return terms.stream().allMatch(Term::ok);
    }

    /** The terms that failed. */
    public List<Term> failures() {
      return terms.stream().filter(t -> !t.ok()).toList();
    }

    /** One line per term. */
    public String format() {
      StringBuilder b = new StringBuilder();
      for (Term t : terms) {
        b.append(String.format(Locale.ROOT, "  %-22s max error %.2e  %s%n", t.name(), t.maxError() / t.scale(),
            t.ok() ? "ok" : "WRONG (" + t.worst() + ")"));
      }
      return b.toString();
    }
  }

  /** Runs every check. */
  public Report check() {
    int[] sizes = energy.layerSizes();
    List<Term> terms = new ArrayList<>();
    try (Tensor x = backend.fromHost(uniform(batch * sizes[0], 0, 1), batch, sizes[0]);
        State s = randomState(sizes);
        State s2 = randomState(sizes);
        State grad = State.zeros(backend, batch, energy.stateSizes());
        Tensor perSample = backend.zeros(batch, 1)) {
      try (ClampedEnergy clamped = energy.clamp(x)) {
        clamped.stateGradient(s, grad);
        for (int k = 0; k < s.size(); k++) {
          terms.add(stateTerm(clamped, s, k, grad.layer(k), perSample));
        }
      }
      List<Parameter> params = energy.parameters();
      List<Tensor> g = zerosLike(params);
      List<Tensor> g2 = zerosLike(params);
      List<Tensor> contrast = zerosLike(params);
      try (ClampedEnergy clamped = energy.clamp(x)) {
        clamped.accumulateParameterGradient(s, 1f, g);
        clamped.accumulateParameterGradient(s2, 1f, g2);
        clamped.accumulateContrast(s, s2, 1f, contrast);
      }
      for (int i = 0; i < params.size(); i++) {
        terms.add(parameterTerm(x, s, params.get(i), g.get(i), perSample));
      }
      for (int i = 0; i < params.size(); i++) {
        float[] a = backend.toHost(g.get(i));
        float[] b = backend.toHost(g2.get(i));
        float[] expected = new float[a.length];
        for (int j = 0; j < a.length; j++) {
          expected[j] = a[j] - b[j];
        }
        terms.add(compare("contrast " + params.get(i).name(), params.get(i).value(), backend.toHost(contrast.get(i)), expected, all(a.length)));
      }
      for (List<Tensor> list : List.of(g, g2, contrast)) {
        list.forEach(Tensor::close);
      }
    }
    return new Report(terms);
  }

  private Term stateTerm(ClampedEnergy clamped, State s, int k, Tensor grad, Tensor perSample) {
    Tensor layer = s.layer(k);
    float[] values = backend.toHost(layer);
    int[] entries = sample(values.length);
    float[] fd = new float[values.length];
    for (int j : entries) {
      float keep = values[j];
      values[j] = keep + H;
      backend.upload(values, layer);
      double plus = total(clamped, s, perSample);
      values[j] = keep - H;
      backend.upload(values, layer);
      double minus = total(clamped, s, perSample);
      values[j] = keep;
      fd[j] = (float) ((plus - minus) / (2 * H));
    }
    backend.upload(values, layer);
    return compare("dE/ds layer " + (k + 1), layer, backend.toHost(grad), fd, entries);
  }

  private Term parameterTerm(Tensor x, State s, Parameter p, Tensor grad, Tensor perSample) {
    float[] values = backend.toHost(p.value());
    int[] entries = sample(values.length);
    float[] fd = new float[values.length];
    for (int j : entries) {
      float keep = values[j];
      values[j] = keep + H;
      backend.upload(values, p.value());
      double plus = totalClamped(x, s, perSample);
      values[j] = keep - H;
      backend.upload(values, p.value());
      double minus = totalClamped(x, s, perSample);
      values[j] = keep;
      fd[j] = (float) ((plus - minus) / (2 * H));
    }
    backend.upload(values, p.value());
    return compare("dE/d" + p.name(), p.value(), backend.toHost(grad), fd, entries);
  }

  private double totalClamped(Tensor x, State s, Tensor perSample) {
    try (ClampedEnergy clamped = energy.clamp(x)) { // parameters changed: clamp again
      return total(clamped, s, perSample);
    }
  }

  private double total(ClampedEnergy clamped, State s, Tensor perSample) {
    clamped.energy(s, perSample);
    double sum = 0;
    for (float e : backend.toHost(perSample)) {
      sum += e;
    }
    return sum;
  }

  private Term compare(String name, Tensor shape, float[] got, float[] expected, int[] entries) {
    double max = 0;
    double scale = 1;
    int worst = entries.length > 0 ? entries[0] : 0;
    for (int j : entries) {
      scale = Math.max(scale, Math.abs(expected[j]));
      double d = Math.abs(got[j] - expected[j]);
      if (!(d <= max)) { // also catches NaN
        max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
        worst = j;
      }
    }
    int cols = shape.cols();
    String where = String.format(Locale.ROOT, "worst at [%d, %d]: finite difference %.5g, hand-written %.5g",
        worst / cols, worst % cols, expected[worst], got[worst]);
    return new Term(name, max, scale, max <= tolerance * scale, where);
  }

  private State randomState(int[] sizes) {
    List<Tensor> layers = new ArrayList<>();
    for (int k = 1; k < sizes.length; k++) {
      layers.add(backend.fromHost(uniform(batch * sizes[k], 0.05, 0.95), batch, sizes[k]));
    }
    return State.of(layers);
  }

  private List<Tensor> zerosLike(List<Parameter> params) {
    List<Tensor> out = new ArrayList<>();
    for (Parameter p : params) {
      out.add(backend.zeros(p.value().rows(), p.value().cols()));
    }
    return out;
  }

  private float[] uniform(int n, double lo, double hi) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (lo + (hi - lo) * random.nextDouble());
    }
    return v;
  }

  private int[] all(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return idx;
  }

  private int[] sample(int n) {
    if (n <= maxEntries) {
      return all(n);
    }
    int[] idx = new int[maxEntries];
    for (int i = 0; i < maxEntries; i++) {
      idx[i] = random.nextInt(n);
    }
    return idx;
  }
}
