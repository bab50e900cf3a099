package org.eqprop.models.learning;

import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * Persistent particles: the last free fixed point of every training example, one {@code examples ×
 * n_k} tensor per free layer, kept on the backend. All zero at the start.
 */
public final class Particles implements AutoCloseable {
  private final Backend backend;
  private final Tensor[] layers;

  /** Zero particles for {@code examples} examples and free layers of the given sizes. */
  public Particles(Backend backend, int examples, int[] stateSizes) {
    this.backend = backend;
    this.layers = new Tensor[stateSizes.length];
    for (int k = 0; k < stateSizes.length; k++) {
      layers[k] = backend.zeros(examples, stateSizes[k]);
    }
  }

  /** Number of examples held. */
  public int examples() {
    return layers[0].rows();
  }

  /** Loads the particles of {@code indices} into {@code state}. */
  public void load(int[] indices, State state) {
    for (int k = 0; k < layers.length; k++) {
      backend.gatherRows(layers[k], indices, state.layer(k));
    }
  }

  /** Stores {@code state} as the particles of {@code indices}. */
  public void store(int[] indices, State state) {
    for (int k = 0; k < layers.length; k++) {
      backend.scatterRows(state.layer(k), indices, layers[k]);
    }
  }

  /** The particle tensor of free layer {@code k} ({@code examples × n_k}). */
  public Tensor layer(int k) {
    return layers[k];
  }

  @Override
  public void close() {
    for (Tensor t : layers) {
      t.close();
    }
  }
}
