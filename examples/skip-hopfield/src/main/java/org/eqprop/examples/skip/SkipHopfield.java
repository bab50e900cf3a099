package org.eqprop.examples.skip;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Energy;
import org.eqprop.api.Parameter;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * A layered Hopfield network with skip connections: besides {@code W_k} between neighbouring
 * layers, a weight matrix {@code V_k} joins layer {@code k − 2} to layer {@code k} (for 784-500-10,
 * the input straight to the output):
 *
 * <pre>
 *   E(s) = ½ Σ_k ‖s_k‖² − Σ_k b_k·ρ(s_k) − Σ_k ρ(s_{k−1}) W_k ρ(s_k)ᵀ − Σ_{k≥2} ρ(s_{k−2}) V_k ρ(s_k)ᵀ
 *
 *   ∂E/∂s_j = s_j − ρ'(s_j) ⊙ ( b_j + ρ(s_{j−1}) W_j + ρ(s_{j+1}) W_{j+1}ᵀ
 *                               + ρ(s_{j−2}) V_j + ρ(s_{j+2}) V_{j+2}ᵀ )
 *   ∂E/∂W_k = −ρ(s_{k−1})ᵀ ρ(s_k),   ∂E/∂V_k = −ρ(s_{k−2})ᵀ ρ(s_k),   ∂E/∂b_k = −Σ_batch ρ(s_k)
 * </pre>
 *
 * with {@code ρ = clip(·, 0, 1)} and {@code ρ' = 1} on {@code [0, 1]}, 0 outside. Parameters are
 * {@code W1, b1, W2, b2, V2, W3, b3, V3, …}; the tensors feeding layer {@code k} form learning-rate
 * group {@code k − 1}, so per-layer learning rates apply as in the paper's network.
 */
public final class SkipHopfield implements Energy {
  private final Backend backend;
  private final int[] sizes;
  private final Tensor[] w; // w[k] = W_k (n_{k-1} x n_k), k = 1..N; w[0] unused
  private final Tensor[] b; // b[k] = b_k (1 x n_k)
  private final Tensor[] v; // v[k] = V_k (n_{k-2} x n_k), k = 2..N
  private final List<Parameter> parameters = new ArrayList<>();

  private SkipHopfield(Backend backend, int[] sizes) {
    this.backend = backend;
    this.sizes = sizes.clone();
    int n = sizes.length;
    w = new Tensor[n];
    b = new Tensor[n];
    v = new Tensor[n];
  }

  /** A network with Glorot-uniform weights and zero biases. */
  public static SkipHopfield random(Backend backend, int[] sizes, RandomGenerator random) {
    if (sizes.length < 2) {
      throw new IllegalArgumentException("needs at least an input and an output layer, got " + sizes.length + " sizes");
    }
    SkipHopfield net = new SkipHopfield(backend, sizes);
    for (int k = 1; k < sizes.length; k++) {
      net.w[k] = glorot(backend, sizes[k - 1], sizes[k], random);
      net.b[k] = backend.zeros(1, sizes[k]);
      net.parameters.add(new Parameter("W" + k, k - 1, net.w[k]));
      net.parameters.add(new Parameter("b" + k, k - 1, net.b[k]));
      if (k >= 2) {
        net.v[k] = glorot(backend, sizes[k - 2], sizes[k], random);
        net.parameters.add(new Parameter("V" + k, k - 1, net.v[k]));
      }
    }
    return net;
  }

  private static Tensor glorot(Backend backend, int in, int out, RandomGenerator random) {
    float[] values = new float[in * out];
    double limit = Math.sqrt(6.0 / (in + out));
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) ((2 * random.nextDouble() - 1) * limit);
    }
    return backend.fromHost(values, in, out);
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
    return new Clamped(x);
  }

  @Override
  public void close() {
    parameters.forEach(p -> p.value().close());
  }

  /**
   * The energy with one input batch clamped. The terms that depend only on the input, {@code ρ(x)
   * W_1} and {@code ρ(x) V_2}, are computed once here instead of at every relaxation step; work
   * tensors live as long as this object does.
   */
  private final class Clamped implements ClampedEnergy {
    private final int batch;
    private final Tensor[] rho; // rho[k] = ρ(s_k), rho[0] = ρ(x), set once
    private final Tensor[] fromInput; // fromInput[1] = ρ(x) W_1, fromInput[2] = ρ(x) V_2
    private final Tensor[] work;
    private final Tensor perSample;
    private final Tensor[] rowSum;

    Clamped(Tensor x) {
      batch = x.rows();
      int n = sizes.length;
      rho = new Tensor[n];
      fromInput = new Tensor[Math.min(n, 3)];
      work = new Tensor[n];
      rowSum = new Tensor[n];
      rho[0] = backend.zeros(batch, sizes[0]);
      backend.clip(x, 0f, 1f, rho[0]);
      for (int k = 1; k < n; k++) {
        rho[k] = backend.zeros(batch, sizes[k]);
        work[k] = backend.zeros(batch, sizes[k]);
        rowSum[k] = backend.zeros(1, sizes[k]);
      }
      for (int k = 1; k < fromInput.length; k++) {
        fromInput[k] = backend.zeros(batch, sizes[k]);
        backend.gemm(1f, rho[0], false, k == 1 ? w[1] : v[2], false, 0f, fromInput[k]);
      }
      perSample = backend.zeros(batch, 1);
    }

    /** {@code out = ρ(s_{k−1}) W_k + ρ(s_{k−2}) V_k}, the drive layer k gets from below. */
    private void fromBelow(int k, Tensor out) {
      if (k == 1) {
        backend.copy(fromInput[1], out);
      } else {
        backend.gemm(1f, rho[k - 1], false, w[k], false, 0f, out);
        if (k == 2) {
          backend.axpy(1f, fromInput[2], out);
        } else {
          backend.gemm(1f, rho[k - 2], false, v[k], false, 1f, out);
        }
      }
    }

    @Override
    public int batchSize() {
      return batch;
    }

    /** ρ(s_k) for every free layer; state index k − 1 holds layer k. */
    private void rho(State s) {
      for (int k = 1; k < sizes.length; k++) {
        backend.clip(s.layer(k - 1), 0f, 1f, rho[k]);
      }
    }

    @Override
    public void energy(State s, Tensor out) {
      rho(s);
      backend.fill(out, 0f);
      for (int k = 1; k < sizes.length; k++) {
        Tensor sk = s.layer(k - 1);
        backend.rowDot(sk, sk, perSample);
        backend.axpy(0.5f, perSample, out);
        backend.gemm(-1f, rho[k], false, b[k], true, 1f, out);
        fromBelow(k, work[k]); // −(ρ(s_{k-1}) W_k + ρ(s_{k-2}) V_k)·ρ(s_k)
        backend.rowDot(work[k], rho[k], perSample);
        backend.axpy(-1f, perSample, out);
      }
    }

    @Override
    public void stateGradient(State s, State grad) {
      rho(s);
      int last = sizes.length - 1;
      for (int j = 1; j <= last; j++) {
        Tensor g = grad.layer(j - 1);
        fromBelow(j, g); // ρ(s_{j-1}) W_j + ρ(s_{j-2}) V_j
        backend.addRowVector(g, b[j], g);
        if (j + 1 <= last) {
          backend.gemm(1f, rho[j + 1], false, w[j + 1], true, 1f, g);
        }
        if (j + 2 <= last) {
          backend.gemm(1f, rho[j + 2], false, v[j + 2], true, 1f, g);
        }
        Tensor mask = work[j];
        backend.indicator(s.layer(j - 1), 0f, 1f, mask);
        backend.mul(g, mask, g);
        backend.sub(s.layer(j - 1), g, g); // ∂E/∂s_j = s_j − ρ'(s_j) ⊙ drive
      }
    }

    @Override
    public void accumulateParameterGradient(State s, float scale, List<Tensor> grads) {
      rho(s);
      int i = 0;
      for (int k = 1; k < sizes.length; k++) {
        backend.gemm(-scale, rho[k - 1], true, rho[k], false, 1f, grads.get(i++)); // W_k
        backend.sumRows(rho[k], rowSum[k]);
        backend.axpy(-scale, rowSum[k], grads.get(i++)); // b_k
        if (k >= 2) {
          backend.gemm(-scale, rho[k - 2], true, rho[k], false, 1f, grads.get(i++)); // V_k
        }
      }
    }

    @Override
    public void close() {
      for (Tensor t : rho) {
        t.close();
      }
      for (int k = 1; k < fromInput.length; k++) {
        fromInput[k].close();
      }
      for (int k = 1; k < sizes.length; k++) {
        work[k].close();
        rowSum[k].close();
      }
      perSample.close();
    }
  }
}
