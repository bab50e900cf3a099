package org.eqprop.examples.skip;

import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.Parameter;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * Lateral connections within one free layer, an interaction type of this plug-in ({@code
 * lateral}):
 *
 * <pre>
 *   E = −ρ(s) A ρ(s)ᵀ       drive: ρ(s)·(A + Aᵀ)       ∂E/∂A = −ρ(s)ᵀρ(s)  (summed over the batch)
 * </pre>
 *
 * {@code A} is {@code n × n}, drawn from {@code U(±scale)}. Its gradient is symmetric, so learning
 * changes only the symmetric part of {@code A}.
 */
public final class Lateral implements Interaction {
  /** The type name. */
  public static final String TYPE = "lateral";

  private final int layer;
  private final Parameter weights;

  /**
   * @param layers the network's layers
   * @param layer the index of the free layer
   * @param weights {@code n × n}
   */
  public Lateral(List<Layer> layers, int layer, Parameter weights) {
    Layer l = layers.get(layer);
    if (l.clamped()) {
      throw new IllegalArgumentException("lateral " + weights.name() + " is on the clamped layer " + l.name());
    }
    if (weights.value().rows() != l.units() || weights.value().cols() != l.units()) {
      throw new IllegalArgumentException("lateral " + weights.name() + " on a layer of " + l.units() + " units needs a "
          + l.units() + "x" + l.units() + " matrix");
    }
    this.layer = layer;
    this.weights = weights;
  }

  /** Weights drawn from {@code U(±scale)}. */
  public static Lateral random(Backend backend, List<Layer> layers, int layer, String name, int group, double scale,
      RandomGenerator random) {
    int n = layers.get(layer).units();
    float[] a = new float[n * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) ((2 * random.nextDouble() - 1) * scale);
    }
    return new Lateral(layers, layer, new Parameter(name, group, backend.fromHost(a, n, n)));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public int[] layers() {
    return new int[] {layer};
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(weights);
  }

  @Override
  public Term term(Backend backend, int batch) {
    Tensor a = weights.value();
    Tensor work = backend.zeros(batch, a.cols());
    Tensor perSample = backend.zeros(batch, 1);
    return new Term() {
      @Override
      public void clamp(List<Tensor> rho) {}

      @Override
      public void addEnergy(List<Tensor> rho, Tensor out) {
        backend.gemm(1f, rho.get(layer), false, a, false, 0f, work);
        backend.rowDot(work, rho.get(layer), perSample);
        backend.axpy(-1f, perSample, out);
      }

      @Override
      public void addDrive(List<Tensor> rho, int l, Tensor into) {
        backend.gemm(1f, rho.get(layer), false, a, false, 1f, into);
        backend.gemm(1f, rho.get(layer), false, a, true, 1f, into);
      }

      @Override
      public void addParameterGradient(List<Tensor> rho, float[] scales, List<Tensor> into) {
        backend.gemm(-scales[0], rho.get(layer), true, rho.get(layer), false, 1f, into.get(0));
      }

      @Override
      public void close() {
        work.close();
        perSample.close();
      }
    };
  }

  @Override
  public void close() {
    weights.value().close();
  }
}
