package org.eqprop.runner.train;

import java.util.HashMap;
import java.util.Map;
import org.eqprop.api.Batch;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.runner.data.Augmentation;
import org.eqprop.runner.data.Dataset;

/**
 * Turns slices of a {@link Dataset} into {@link Batch}es on the backend, reusing one set of host
 * buffers and tensors per batch size.
 */
final class BatchFeeder implements AutoCloseable {
  private final Backend backend;
  private final int classes;
  private final Map<Integer, Buffers> buffers = new HashMap<>();

  BatchFeeder(Backend backend, int classes) {
    this.backend = backend;
    this.classes = classes;
  }

  /** Examples {@code order[from .. from+n)} of {@code data} as a batch (valid until the next call with the same n). */
  Batch batch(Dataset data, int[] order, int from, int n) {
    return batch(data, order, from, n, null, 0);
  }

  /** As {@link #batch(Dataset, int[], int, int)}, the images augmented for {@code epoch} (null: as stored). */
  Batch batch(Dataset data, int[] order, int from, int n, Augmentation augmentation, int epoch) {
    Buffers b = buffers.computeIfAbsent(n, size -> new Buffers(size, data.features()));
    data.fill(order, from, n, classes, b.x, b.target, b.labels, augmentation, epoch);
    backend.upload(b.x, b.input);
    backend.upload(b.target, b.targetTensor);
    System.arraycopy(order, from, b.indices, 0, n);
    return new Batch(b.input, b.targetTensor, b.labels, b.indices);
  }

  @Override
  public void close() {
    for (Buffers b : buffers.values()) {
      b.input.close();
      b.targetTensor.close();
    }
    buffers.clear();
  }

  private final class Buffers {
    final float[] x;
    final float[] target;
    final int[] labels;
    final int[] indices;
    final Tensor input;
    final Tensor targetTensor;

    Buffers(int n, int features) {
      x = new float[n * features];
      target = new float[n * classes];
      labels = new int[n];
      indices = new int[n];
      input = backend.zeros(n, features);
      targetTensor = backend.zeros(n, classes);
    }
  }
}
