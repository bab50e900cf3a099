package org.eqprop.api;

import java.util.List;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * An energy-based model {@code E(θ, x, s)}: parameters {@code θ}, a clamped input {@code x} and a
 * state {@code s} of free layers.
 *
 * <p>Work that depends only on {@code θ} and {@code x} (for a layered network, the input drive
 * {@code x·W₁}) is done once in {@link #clamp}; the returned {@link ClampedEnergy} then evaluates
 * energies and gradients for any state of that batch.
 */
public interface Energy extends AutoCloseable {

  /** The backend holding this model's parameters. */
  Backend backend();

  /** Units per layer, input layer first, output layer last. */
  int[] layerSizes();

  /** Units per free layer (all but the input): the shapes of a {@link State} row. */
  default int[] stateSizes() {
    int[] all = layerSizes();
    return java.util.Arrays.copyOfRange(all, 1, all.length);
  }

  /** The trainable parameters, in a fixed order. */
  List<Parameter> parameters();

  /** Number of learning-rate groups ({@code 1 + max(group)} over the parameters). */
  default int parameterGroups() {
    return Parameter.groups(parameters());
  }

  /**
   * Binds the input batch {@code x} ({@code batch × layerSizes()[0]}). The result is valid until
   * the parameters change; close it when done.
   */
  ClampedEnergy clamp(Tensor x);

  /** Releases the parameters. */
  @Override
  void close();
}
