package org.eqprop.models.compose;

import java.util.List;
import org.eqprop.api.Parameter;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * A bias {@code b} ({@code 1 × n}) on one free layer:
 *
 * <pre>
 *   E = −b·ρ(s)ᵀ       drive: b       ∂E/∂b = −Σ_batch ρ(s)
 * </pre>
 *
 * Type {@code bias}.
 */
public final class Bias implements Interaction {
  /** The type name. */
  public static final String TYPE = "bias";

  private final int layer;
  private final Parameter bias;

  /**
   * @param layers the network's layers
   * @param layer the index of the free layer
   * @param bias {@code 1 × units}
   */
  public Bias(List<Layer> layers, int layer, Parameter bias) {
    Layer l = layers.get(layer);
    if (l.clamped()) {
      throw new IllegalArgumentException("bias " + bias.name() + " is on the clamped layer " + l.name());
    }
    if (bias.value().rows() != 1 || bias.value().cols() != l.units()) {
      throw new IllegalArgumentException("bias " + bias.name() + " on a layer of " + l.units() + " units needs a 1x"
          + l.units() + " vector, got " + bias.value().rows() + "x" + bias.value().cols());
    }
    this.layer = layer;
    this.bias = bias;
  }

  /** A zero bias. */
  public static Bias zeros(Backend backend, List<Layer> layers, int layer, String name, int group) {
    return new Bias(layers, layer, new Parameter(name, group, backend.zeros(1, layers.get(layer).units())));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public int[] layers() {
    return new int[] {layer};
  }

  /** The index of the layer. */
  public int layer() {
    return layer;
  }

  /** The bias. */
  public Parameter bias() {
    return bias;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(bias);
  }

  @Override
  public Term term(Backend backend, int batch) {
    Tensor b = bias.value();
    Tensor diff = backend.zeros(batch, b.cols());
    Tensor rowSum = backend.zeros(1, b.cols());
    return new Term() {
      @Override
      public void clamp(List<Tensor> rho) {}

      @Override
      public void addEnergy(List<Tensor> rho, Tensor out) {
        backend.gemm(-1f, rho.get(layer), false, b, true, 1f, out);
      }

      @Override
      public void addDrive(List<Tensor> rho, int l, Tensor into) {
        backend.addRowVector(into, b, into);
      }

      @Override
      public void addParameterGradient(List<Tensor> rho, float[] scales, List<Tensor> into) {
        backend.sumRows(rho.get(layer), rowSum);
        backend.axpy(-scales[0], rowSum, into.get(0));
      }

      @Override
      public void addContrast(List<Tensor> a, List<Tensor> c, float[] scales, List<Tensor> into) {
        backend.sub(a.get(layer), c.get(layer), diff);
        backend.sumRows(diff, rowSum);
        backend.axpy(-scales[0], rowSum, into.get(0));
      }

      @Override
      public void close() {
        diff.close();
        rowSum.close();
      }
    };
  }

  @Override
  public void close() {
    bias.value().close();
  }
}
