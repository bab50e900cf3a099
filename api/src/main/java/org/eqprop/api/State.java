package org.eqprop.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;

/**
 * The free (non-input) layers of a network for a batch: layer {@code k} is a {@code batch × n_k}
 * tensor. Index 0 is the first layer after the input; the last index is the output layer.
 */
public final class State implements AutoCloseable {
  private final List<Tensor> layers;

  private State(List<Tensor> layers) {
    this.layers = Collections.unmodifiableList(layers);
  }

  /** A zero state of {@code batch} rows for layers of the given sizes. */
  public static State zeros(Backend backend, int batch, int[] sizes) {
    List<Tensor> layers = new ArrayList<>(sizes.length);
    for (int n : sizes) {
      layers.add(backend.zeros(batch, n));
    }
    return new State(layers);
  }

  /** Wraps existing tensors; they must all have the same number of rows. */
  public static State of(List<Tensor> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a state needs at least one layer");
    }
    int batch = layers.get(0).rows();
    for (Tensor t : layers) {
      if (t.rows() != batch) {
        throw new IllegalArgumentException(
            "state layers disagree on the batch size: " + t.rows() + " vs " + batch);
      }
    }
    return new State(new ArrayList<>(layers));
  }

  /** Number of free layers. */
  public int size() {
    return layers.size();
  }

  /** Layer {@code k} (0 = first layer after the input). */
  public Tensor layer(int k) {
    return layers.get(k);
  }

  /** The output layer (the last one). */
  public Tensor output() {
    return layers.get(layers.size() - 1);
  }

  /** All layers, unmodifiable. */
  public List<Tensor> layers() {
    return layers;
  }

  /** Number of samples (rows). */
  public int batchSize() {
    return layers.get(0).rows();
  }

  /** Copies every layer of {@code other} into this state; shapes must match. */
  public void copyFrom(Backend backend, State other) {
    if (other.size() != size()) {
      throw new IllegalArgumentException(
          "states have " + other.size() + " and " + size() + " layers");
    }
    for (int k = 0; k < layers.size(); k++) {
      Shapes.requireSame("State.copyFrom", other.layer(k), layers.get(k));
      backend.copy(other.layer(k), layers.get(k));
    }
  }

  /** Sets every layer to zero. */
  public void clear(Backend backend) {
    for (Tensor t : layers) {
      backend.fill(t, 0f);
    }
  }

  @Override
  public void close() {
    for (Tensor t : layers) {
      t.close();
    }
  }
}
