package org.eqprop.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.chain.ChainRelaxation;
import org.junit.jupiter.api.Test;

/**
 * A batch relaxed in parts on several threads ends where one part on one thread ends (the kit
 * checks the one-part path against the double reference, on batches too small to be split).
 */
class Nd4jSplitRelaxationTest {
  private static float[] uniform(SplittableRandom random, int size, double lo, double hi) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) random.nextDouble(lo, hi);
    }
    return v;
  }

  /** The layers after 20 free and 4 nudged steps from the same random start, on {@code threads} threads. */
  private static List<float[]> relax(int threads, int batch, int[] n) {
    SplittableRandom random = new SplittableRandom(7);
    try (Backend backend = new Nd4jBackendProvider().create(Map.of("threads", Integer.toString(threads)))) {
      List<Tensor> weights = new ArrayList<>();
      List<Tensor> biases = new ArrayList<>();
      List<Tensor> layers = new ArrayList<>();
      for (int k = 0; k < n.length; k++) {
        biases.add(backend.fromHost(uniform(random, n[k], -0.3, 0.3), 1, n[k]));
        layers.add(backend.fromHost(uniform(random, batch * n[k], -0.2, 1.2), batch, n[k]));
        if (k > 0) {
          weights.add(backend.fromHost(uniform(random, n[k - 1] * n[k], -0.4, 0.4), n[k - 1], n[k]));
        }
      }
      Tensor drive = backend.fromHost(uniform(random, batch * n[0], -1, 1), batch, n[0]);
      Tensor target = backend.fromHost(uniform(random, batch * n[n.length - 1], 0, 1), batch, n[n.length - 1]);
      ChainRelaxation kernel = backend.extension(ChainRelaxation.class).orElseThrow();
      kernel.relax(drive, weights, biases, null, 0f, 0.5f, layers, 20);
      kernel.relax(drive, weights, biases, target, 0.7f, 0.5f, layers, 4);
      List<float[]> out = new ArrayList<>();
      for (Tensor t : layers) {
        out.add(backend.toHost(t));
      }
      return out;
    }
  }

  @Test
  void twoThreadsEndWhereOneEnds() {
    int[] n = {70, 40, 5};
    for (int batch : new int[] {64, 131}) {
      List<float[]> one = relax(1, batch, n);
      List<float[]> two = relax(2, batch, n);
      for (int k = 0; k < n.length; k++) {
        // each part's products have fewer rows, which OpenBLAS may round otherwise (1.1e-6 seen on
        // an AVX-512 AMD EPYC); a part relaxed on the wrong rows or with a stale state differs by 1e-2
        assertArrayEquals(one.get(k), two.get(k), 1e-5f, "batch " + batch + " layer " + (k + 1));
      }
    }
  }

  @Test
  void badThreadOptionsAreRefused() {
    Nd4jBackendProvider provider = new Nd4jBackendProvider();
    assertEquals("backend nd4j option blas-threads must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("blas-threads", "0"))).getMessage());
    assertEquals("backend nd4j option threads must be an integer, got 'two'",
        assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("threads", "two"))).getMessage());
    assertEquals("unknown option 'omp' for backend nd4j (known: threads, blas-threads)",
        assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("omp", "1"))).getMessage());
  }
}
