package org.eqprop.models.compose;

import java.util.List;
import org.eqprop.api.Parameter;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * A bias per channel {@code b} ({@code 1 × C}) on an image layer of {@code C} channels, stored
 * channel by channel, as a convolution's bias:
 *
 * <pre>
 *   E = −Σ_c b_c Σ_{units u of channel c} ρ(s)_u       drive: b_c on every unit of channel c
 *   ∂E/∂b_c = −Σ_batch Σ_{u in c} ρ(s)_u
 * </pre>
 *
 * The channel's value reaches its units through a constant {@code C × units} 0/1 expansion, a
 * product on every backend. Type {@code bias} with the option {@code channels}.
 */
public final class ChannelBias implements Interaction {
  private final int layer;
  private final int channels;
  private final Parameter bias;
  private final Tensor expansion;

  /**
   * @param layers the network's layers
   * @param layer the index of the free image layer
   * @param channels its channels; they must divide its units
   * @param bias {@code 1 × channels}
   * @param backend where the expansion lives
   */
  public ChannelBias(List<Layer> layers, int layer, int channels, Parameter bias, Backend backend) {
    Layer l = layers.get(layer);
    if (l.clamped()) {
      throw new IllegalArgumentException("bias " + bias.name() + " is on the clamped layer " + l.name());
    }
    if (channels <= 0 || l.units() % channels != 0) {
      throw new IllegalArgumentException("bias " + bias.name() + ": " + channels + " channels do not divide the "
          + l.units() + " units of layer " + l.name());
    }
    if (bias.value().rows() != 1 || bias.value().cols() != channels) {
      throw new IllegalArgumentException("bias " + bias.name() + " of " + channels + " channels needs a 1x" + channels
          + " vector, got " + bias.value().rows() + "x" + bias.value().cols());
    }
    this.layer = layer;
    this.channels = channels;
    this.bias = bias;
    int units = l.units();
    int plane = units / channels;
    float[] e = new float[channels * units];
    for (int c = 0; c < channels; c++) {
      for (int p = 0; p < plane; p++) {
        e[c * units + c * plane + p] = 1f;
      }
    }
    this.expansion = backend.fromHost(e, channels, units);
  }

  /** A zero bias. */
  public static ChannelBias zeros(Backend backend, List<Layer> layers, int layer, int channels, String name,
      int group) {
    return new ChannelBias(layers, layer, channels, new Parameter(name, group, backend.zeros(1, channels)), backend);
  }

  @Override
  public String type() {
    return Bias.TYPE;
  }

  @Override
  public int[] layers() {
    return new int[] {layer};
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(bias);
  }

  @Override
  public Term term(Backend backend, int batch) {
    Tensor b = bias.value();
    int units = expansion.cols();
    Tensor row = backend.zeros(1, units);
    Tensor rowSum = backend.zeros(1, units);
    return new Term() {
      /** The bias of every unit, {@code b · expansion}. */
      private Tensor perUnit() {
        backend.gemm(1f, b, false, expansion, false, 0f, row);
        return row;
      }

      @Override
      public void clamp(List<Tensor> rho) {}

      @Override
      public void addEnergy(List<Tensor> rho, Tensor out) {
        backend.gemm(-1f, rho.get(layer), false, perUnit(), true, 1f, out);
      }

      @Override
      public void addDrive(List<Tensor> rho, int l, Tensor into) {
        backend.addRowVector(into, perUnit(), into);
      }

      @Override
      public void addParameterGradient(List<Tensor> rho, float[] scales, List<Tensor> into) {
        backend.sumRows(rho.get(layer), rowSum);
        backend.gemm(-scales[0], rowSum, false, expansion, true, 1f, into.get(0));
      }

      @Override
      public void close() {
        row.close();
        rowSum.close();
      }
    };
  }

  @Override
  public void close() {
    bias.value().close();
    expansion.close();
  }
}
