package org.eqprop.models.hopfield;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Energy;
import org.eqprop.api.Parameter;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Capability;
import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;

/**
 * The layered Hopfield energy of the paper, for any list of layer sizes {@code n_0 (input), n_1, …,
 * n_N (output)}:
 *
 * <pre>
 *   E(s) = ½ Σ_k ‖s_k‖² − Σ_k b_k·ρ(s_k) − Σ_k ρ(s_{k−1}) W_k ρ(s_k)ᵀ,   ρ(s) = clip(s, 0, 1)
 * </pre>
 *
 * with {@code s_0 = x} clamped, {@code W_k} of shape {@code n_{k−1} × n_k} and {@code b_k} of
 * shape {@code 1 × n_k}. The state gradient uses {@code ρ'(s) = 1} on {@code [0, 1]} and 0
 * outside, as the authors' code does. Parameters are ordered {@code W1, b1, W2, b2, …}; both
 * tensors of layer {@code k} form learning-rate group {@code k − 1}. Where the backend offers
 * {@link Capability#CHAIN_RELAXATION}, the energy is its fused {@code energy}, and where it offers
 * {@link Capability#CHAIN_CONTRAST} the contrast is its fused update; elsewhere both are built from
 * the core operations.
 */
public final class LayeredHopfield implements Energy {
  private final Backend backend;
  private final int[] sizes;
  private final List<Tensor> weights = new ArrayList<>();
  private final List<Tensor> biases = new ArrayList<>();
  private final List<Parameter> parameters = new ArrayList<>();
  private final Map<Integer, Deque<Scratch>> pool = new HashMap<>();

  private LayeredHopfield(Backend backend, int[] sizes) {
    this.backend = backend;
    this.sizes = sizes.clone();
  }

  /**
   * A network with Glorot-uniform weights {@code U(±sqrt(6 / (n_in + n_out)))} and zero biases.
   *
   * @param sizes units per layer, input first; at least two layers, all positive
   */
  public static LayeredHopfield glorot(Backend backend, int[] sizes, RandomGenerator random) {
    validate(sizes);
    LayeredHopfield net = new LayeredHopfield(backend, sizes);
    for (int k = 1; k < sizes.length; k++) {
      int nIn = sizes[k - 1];
      int nOut = sizes[k];
      float[] w = new float[nIn * nOut];
      double limit = Math.sqrt(6.0 / (nIn + nOut));
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) ((2 * random.nextDouble() - 1) * limit);
      }
      net.add(k, backend.fromHost(w, nIn, nOut), backend.zeros(1, nOut));
    }
    return net;
  }

  /**
   * A network with the given parameters, copied to {@code backend}.
   *
   * @param weights {@code weights[k-1]} is {@code W_k}, row-major {@code n_{k−1} × n_k}
   * @param biases {@code biases[k-1]} is {@code b_k}, length {@code n_k}
   */
  public static LayeredHopfield of(
      Backend backend, int[] sizes, List<float[]> weights, List<float[]> biases) {
    validate(sizes);
    if (weights.size() != sizes.length - 1 || biases.size() != sizes.length - 1) {
      throw new IllegalArgumentException(
          "need " + (sizes.length - 1) + " weight matrices and bias vectors, got "
              + weights.size() + " and " + biases.size());
    }
    LayeredHopfield net = new LayeredHopfield(backend, sizes);
    for (int k = 1; k < sizes.length; k++) {
      net.add(
          k,
          backend.fromHost(weights.get(k - 1), sizes[k - 1], sizes[k]),
          backend.fromHost(biases.get(k - 1), 1, sizes[k]));
    }
    return net;
  }

  private static void validate(int[] sizes) {
    if (sizes.length < 2) {
      throw new IllegalArgumentException(
          "a layered network needs at least an input and an output layer, got "
              + Arrays.toString(sizes));
    }
    for (int n : sizes) {
      if (n <= 0) {
        throw new IllegalArgumentException("layer sizes must be positive, got " + Arrays.toString(sizes));
      }
    }
  }

  private void add(int k, Tensor w, Tensor b) {
    weights.add(w);
    biases.add(b);
    parameters.add(new Parameter("W" + k, k - 1, w));
    parameters.add(new Parameter("b" + k, k - 1, b));
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public int[] layerSizes() {
    return sizes.clone();
  }

  @Override
  public List<Parameter> parameters() {
    return List.copyOf(parameters);
  }

  @Override
  public ClampedEnergy clamp(Tensor x) {
    Shapes.requireShape("clamp", x, x.rows(), sizes[0]);
    Deque<Scratch> free = pool.computeIfAbsent(x.rows(), b -> new ArrayDeque<>());
    Scratch scratch = free.isEmpty() ? new Scratch(x.rows()) : free.pop();
    return new Clamped(x, scratch);
  }

  @Override
  public void close() {
    for (Parameter p : parameters) {
      p.value().close();
    }
    for (Deque<Scratch> d : pool.values()) {
      for (Scratch s : d) {
        s.close();
      }
    }
    pool.clear();
  }

  /** Per-batch-size work tensors, reused across clamps. */
  private final class Scratch implements AutoCloseable {
    final int batch;
    final Tensor rhoX;
    final Tensor drive;
    final Tensor[] rhoA;
    final Tensor[] rhoB;
    final Tensor[] work;
    final Tensor[] rowSum;
    final Tensor perSample;

    Scratch(int batch) {
      this.batch = batch;
      int layers = sizes.length - 1;
      rhoX = backend.zeros(batch, sizes[0]);
      drive = backend.zeros(batch, sizes[1]);
      rhoA = new Tensor[layers];
      rhoB = new Tensor[layers];
      work = new Tensor[layers];
      rowSum = new Tensor[layers];
      for (int k = 0; k < layers; k++) {
        rhoA[k] = backend.zeros(batch, sizes[k + 1]);
        rhoB[k] = backend.zeros(batch, sizes[k + 1]);
        work[k] = backend.zeros(batch, sizes[k + 1]);
        rowSum[k] = backend.zeros(1, sizes[k + 1]);
      }
      perSample = backend.zeros(batch, 1);
    }

    @Override
    public void close() {
      rhoX.close();
      drive.close();
      perSample.close();
      for (int k = 0; k < rhoA.length; k++) {
        rhoA[k].close();
        rhoB[k].close();
        work[k].close();
        rowSum[k].close();
      }
    }
  }

  private final class Clamped implements ClampedEnergy {
    private final Scratch sc;
    private boolean closed;

    Clamped(Tensor x, Scratch scratch) {
      this.sc = scratch;
      backend.clip(x, 0f, 1f, sc.rhoX);
      backend.gemm(1f, sc.rhoX, false, weights.get(0), false, 0f, sc.drive);
    }

    @Override
    public int batchSize() {
      return sc.batch;
    }

    private void requireState(State s) {
      if (s.size() != sizes.length - 1) {
        throw new IllegalArgumentException(
            "state has " + s.size() + " layers, the network " + (sizes.length - 1));
      }
      for (int k = 0; k < s.size(); k++) {
        Shapes.requireShape("state layer " + (k + 1), s.layer(k), sc.batch, sizes[k + 1]);
      }
    }

    private void rho(State s, Tensor[] out) {
      for (int k = 0; k < s.size(); k++) {
        backend.clip(s.layer(k), 0f, 1f, out[k]);
      }
    }

    private Tensor below(Tensor[] rho, int k) {
      return k == 0 ? sc.rhoX : rho[k - 1];
    }

    @Override
    public void energy(State s, Tensor out) {
      requireState(s);
      Shapes.requireShape("energy", out, sc.batch, 1);
      if (backend.capabilities().contains(Capability.CHAIN_RELAXATION)) {
        backend.chainRelaxation().energy(sc.drive, weights.subList(1, weights.size()), biases, s.layers(), out);
        return;
      }
      Tensor[] rho = sc.rhoA;
      rho(s, rho);
      backend.fill(out, 0f);
      for (int k = 0; k < s.size(); k++) {
        backend.rowDot(s.layer(k), s.layer(k), sc.perSample);
        backend.axpy(0.5f, sc.perSample, out);
        backend.gemm(-1f, rho[k], false, biases.get(k), true, 1f, out);
        Tensor input;
        if (k == 0) {
          input = sc.drive;
        } else {
          backend.gemm(1f, rho[k - 1], false, weights.get(k), false, 0f, sc.work[k]);
          input = sc.work[k];
        }
        backend.rowDot(input, rho[k], sc.perSample);
        backend.axpy(-1f, sc.perSample, out);
      }
    }

    @Override
    public void stateGradient(State s, State grad) {
      requireState(s);
      requireState(grad);
      Tensor[] rho = sc.rhoA;
      rho(s, rho);
      int last = s.size() - 1;
      for (int k = 0; k <= last; k++) {
        Tensor g = grad.layer(k);
        if (g == s.layer(k)) {
          throw new IllegalArgumentException("stateGradient: grad must not alias the state");
        }
        if (k == 0) {
          backend.addRowVector(sc.drive, biases.get(0), g);
        } else {
          backend.gemm(1f, rho[k - 1], false, weights.get(k), false, 0f, g);
          backend.addRowVector(g, biases.get(k), g);
        }
        if (k < last) {
          backend.gemm(1f, rho[k + 1], false, weights.get(k + 1), true, 1f, g);
        }
        backend.indicator(s.layer(k), 0f, 1f, sc.work[k]);
        backend.mul(g, sc.work[k], g);
        backend.sub(s.layer(k), g, g);
      }
    }

    private void requireGrads(List<Tensor> grads) {
      if (grads.size() != parameters.size()) {
        throw new IllegalArgumentException(
            "expected " + parameters.size() + " gradient tensors, got " + grads.size());
      }
      for (int i = 0; i < grads.size(); i++) {
        Shapes.requireSame("gradient of " + parameters.get(i).name(), parameters.get(i).value(), grads.get(i));
      }
    }

    @Override
    public void accumulateParameterGradient(State s, float scale, List<Tensor> grads) {
      requireState(s);
      requireGrads(grads);
      Tensor[] rho = sc.rhoA;
      rho(s, rho);
      for (int k = 0; k < s.size(); k++) {
        backend.gemm(-scale, below(rho, k), true, rho[k], false, 1f, grads.get(2 * k));
        backend.sumRows(rho[k], sc.rowSum[k]);
        backend.axpy(-scale, sc.rowSum[k], grads.get(2 * k + 1));
      }
    }

    @Override
    public void accumulateContrast(State a, State b, float scale, List<Tensor> grads) {
      float[] scales = new float[grads.size()];
      java.util.Arrays.fill(scales, scale);
      addScaledContrast(a, b, scales, grads);
    }

    @Override
    public boolean addScaledContrast(State a, State b, float[] scales, List<Tensor> into) {
      requireState(a);
      requireState(b);
      requireGrads(into);
      if (scales.length != into.size()) {
        throw new IllegalArgumentException(
            "contrast: " + into.size() + " tensors need as many scales, got " + scales.length);
      }
      if (backend.capabilities().contains(Capability.CHAIN_CONTRAST)) {
        int depth = a.size();
        float[] weightScales = new float[depth];
        float[] biasScales = new float[depth];
        List<Tensor> w = new ArrayList<>(depth);
        List<Tensor> b0 = new ArrayList<>(depth);
        for (int k = 0; k < depth; k++) {
          // ∂E/∂W_k = −ρ(s_{k−1})ᵀρ(s_k) and ∂E/∂b_k = −Σ ρ(s_k): the contrast with its sign
          weightScales[k] = -scales[2 * k];
          biasScales[k] = -scales[2 * k + 1];
          w.add(into.get(2 * k));
          b0.add(into.get(2 * k + 1));
        }
        backend.chainContrast().add(sc.rhoX, a.layers(), b.layers(), weightScales, biasScales, w, b0);
        return true;
      }
      rho(a, sc.rhoA);
      rho(b, sc.rhoB);
      for (int k = 0; k < a.size(); k++) {
        Tensor diff = sc.work[k];
        float w = scales[2 * k];
        backend.sub(sc.rhoA[k], sc.rhoB[k], diff);
        if (k == 0) {
          // the input is the same in both states: one product instead of two
          backend.gemm(-w, sc.rhoX, true, diff, false, 1f, into.get(0));
        } else {
          backend.gemm(-w, sc.rhoA[k - 1], true, sc.rhoA[k], false, 1f, into.get(2 * k));
          backend.gemm(w, sc.rhoB[k - 1], true, sc.rhoB[k], false, 1f, into.get(2 * k));
        }
        backend.sumRows(diff, sc.rowSum[k]);
        backend.axpy(-scales[2 * k + 1], sc.rowSum[k], into.get(2 * k + 1));
      }
      return true;
    }

    @Override
    public Optional<Chain> chain() {
      return Optional.of(new Chain(sc.drive, weights.subList(1, weights.size()), biases));
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        pool.get(sc.batch).push(sc);
      }
    }
  }
}
