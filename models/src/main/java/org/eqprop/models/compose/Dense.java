package org.eqprop.models.compose;

import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.Parameter;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * Dense weights {@code W} ({@code n_i × n_j}) between layers {@code i} and {@code j}:
 *
 * <pre>
 *   E = −ρ(s_i) W ρ(s_j)ᵀ       drives: ρ(s_i)·W on layer j, ρ(s_j)·Wᵀ on layer i
 *   ∂E/∂W = −ρ(s_i)ᵀ ρ(s_j)    (summed over the batch)
 * </pre>
 *
 * Where one of the two layers is the clamped input its drive on the other is computed once per
 * batch, and the contrast of two states takes one product instead of two. Type {@code dense}.
 */
public final class Dense implements Interaction {
  /** The type name. */
  public static final String TYPE = "dense";

  private final int from;
  private final int to;
  private final boolean fromClamped;
  private final boolean toClamped;
  private final Parameter weights;

  /**
   * @param layers the network's layers
   * @param from the index of layer {@code i} (the weights' rows)
   * @param to the index of layer {@code j} (the weights' columns)
   * @param weights {@code n_i × n_j}
   */
  public Dense(List<Layer> layers, int from, int to, Parameter weights) {
    if (from == to) {
      throw new IllegalArgumentException("dense " + weights.name() + " joins layer " + from + " to itself");
    }
    this.from = from;
    this.to = to;
    this.fromClamped = layers.get(from).clamped();
    this.toClamped = layers.get(to).clamped();
    int rows = layers.get(from).units();
    int cols = layers.get(to).units();
    Tensor w = weights.value();
    if (w.rows() != rows || w.cols() != cols) {
      throw new IllegalArgumentException("dense " + weights.name() + " between layers of " + rows + " and " + cols
          + " units needs a " + rows + "x" + cols + " matrix, got " + w.rows() + "x" + w.cols());
    }
    this.weights = weights;
  }

  /**
   * Glorot-uniform weights {@code U(±sqrt(6 / (n_i + n_j)))}, drawn row by row from {@code random}.
   */
  public static Dense glorot(Backend backend, List<Layer> layers, int from, int to, String name, int group,
      RandomGenerator random) {
    int nIn = layers.get(from).units();
    int nOut = layers.get(to).units();
    float[] w = new float[nIn * nOut];
    double limit = Math.sqrt(6.0 / (nIn + nOut));
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) ((2 * random.nextDouble() - 1) * limit);
    }
    return new Dense(layers, from, to, new Parameter(name, group, backend.fromHost(w, nIn, nOut)));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public int[] layers() {
    return new int[] {from, to};
  }

  /** The index of layer {@code i}, the weights' rows. */
  public int from() {
    return from;
  }

  /** The index of layer {@code j}, the weights' columns. */
  public int to() {
    return to;
  }

  /** The weights. */
  public Parameter weights() {
    return weights;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(weights);
  }

  @Override
  public DenseTerm term(Backend backend, int batch) {
    return new DenseTerm(backend, batch);
  }

  @Override
  public void close() {
    weights.value().close();
  }

  /** The term's work for one batch size. */
  public final class DenseTerm implements Term {
    private final Backend backend;
    private final Tensor w;
    private final Tensor inputDrive;
    private final Tensor work;
    private final Tensor diff;
    private final Tensor perSample;

    DenseTerm(Backend backend, int batch) {
      this.backend = backend;
      this.w = weights.value();
      int other = fromClamped ? w.cols() : w.rows();
      inputDrive = fromClamped || toClamped ? backend.zeros(batch, other) : null;
      work = fromClamped || toClamped ? null : backend.zeros(batch, w.cols());
      diff = fromClamped || toClamped ? backend.zeros(batch, other) : null;
      perSample = backend.zeros(batch, 1);
    }

    /**
     * The clamped layer's drive on the free one, {@code ρ(x)·W} (or {@code ρ(x)·Wᵀ}), as of the
     * last {@link #clamp}; null where neither layer is clamped.
     */
    public Tensor inputDrive() {
      return inputDrive;
    }

    @Override
    public void clamp(List<Tensor> rho) {
      if (fromClamped) {
        backend.gemm(1f, rho.get(from), false, w, false, 0f, inputDrive);
      } else if (toClamped) {
        backend.gemm(1f, rho.get(to), false, w, true, 0f, inputDrive);
      }
    }

    @Override
    public void addEnergy(List<Tensor> rho, Tensor out) {
      if (fromClamped) {
        backend.rowDot(inputDrive, rho.get(to), perSample);
      } else if (toClamped) {
        backend.rowDot(inputDrive, rho.get(from), perSample);
      } else {
        backend.gemm(1f, rho.get(from), false, w, false, 0f, work);
        backend.rowDot(work, rho.get(to), perSample);
      }
      backend.axpy(-1f, perSample, out);
    }

    @Override
    public void addDrive(List<Tensor> rho, int layer, Tensor into) {
      if (layer == to) {
        if (fromClamped) {
          backend.axpy(1f, inputDrive, into);
        } else {
          backend.gemm(1f, rho.get(from), false, w, false, 1f, into);
        }
      } else if (layer == from) {
        if (toClamped) {
          backend.axpy(1f, inputDrive, into);
        } else {
          backend.gemm(1f, rho.get(to), false, w, true, 1f, into);
        }
      } else {
        throw new IllegalArgumentException("dense " + weights.name() + " does not touch layer " + layer);
      }
    }

    @Override
    public void addParameterGradient(List<Tensor> rho, float[] scales, List<Tensor> into) {
      backend.gemm(-scales[0], rho.get(from), true, rho.get(to), false, 1f, into.get(0));
    }

    @Override
    public void addContrast(List<Tensor> a, List<Tensor> b, float[] scales, List<Tensor> into) {
      float s = scales[0];
      if (fromClamped) {
        backend.sub(a.get(to), b.get(to), diff);
        backend.gemm(-s, a.get(from), true, diff, false, 1f, into.get(0));
      } else if (toClamped) {
        backend.sub(a.get(from), b.get(from), diff);
        backend.gemm(-s, diff, true, a.get(to), false, 1f, into.get(0));
      } else {
        backend.gemm(-s, a.get(from), true, a.get(to), false, 1f, into.get(0));
        backend.gemm(s, b.get(from), true, b.get(to), false, 1f, into.get(0));
      }
    }

    @Override
    public void close() {
      if (inputDrive != null) {
        inputDrive.close();
        diff.close();
      } else {
        work.close();
      }
      perSample.close();
    }
  }
}
