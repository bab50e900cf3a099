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

  /**
   * The layers after 20 free and 4 nudged steps from the same random start, on {@code threads}
   * threads, multiplying with {@code products}.
   */
  private static List<float[]> relax(int threads, String products, int batch, int[] n) {
    SplittableRandom random = new SplittableRandom(7);
    try (Backend backend = new Nd4jBackendProvider().create(
        Map.of("threads", Integer.toString(threads), "products", products))) {
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
      List<float[]> one = relax(1, "openblas", batch, n);
      List<float[]> two = relax(2, "openblas", batch, n);
      for (int k = 0; k < n.length; k++) {
        // each part's products have fewer rows, which OpenBLAS may round otherwise (1.1e-6 seen on
        // an AVX-512 AMD EPYC); a part relaxed on the wrong rows or with a stale state differs by 1e-2
        assertArrayEquals(one.get(k), two.get(k), 1e-5f, "batch " + batch + " layer " + (k + 1));
      }
    }
  }

  /**
   * libnd4j's matmul op (oneDNN) ends where cblas ends, for every product and for those auto
   * picks, on one part and on two, from states outside [0, 1] (a first step in full, then the rest).
   */
  @Test
  void oneDnnProductsEndWhereOpenBlasEnds() {
    // at batch 131 auto takes oneDNN for the 200 × 60 products alone (131 · 200 · 60 ≥ 2^20), at
    // 64 for none of them
    int[] n = {200, 60, 30, 5};
    for (int threads : new int[] {1, 2}) {
      for (int batch : new int[] {3, 64, 131}) {
        List<float[]> blas = relax(threads, "openblas", batch, n);
        List<float[]> dnn = relax(threads, "onednn", batch, n);
        List<float[]> auto = relax(threads, "auto", batch, n);
        for (int k = 0; k < n.length; k++) {
          String where = threads + " threads, batch " + batch + " layer " + (k + 1);
          // another kernel's summation order: up to 1.1e-5 apart after the 24 steps (batch 131); a
          // product added twice, missed or read from the other state array moves a unit by 1e-2 or more
          assertArrayEquals(blas.get(k), dnn.get(k), 5e-5f, "onednn, " + where);
          assertArrayEquals(blas.get(k), auto.get(k), 5e-5f, "auto, " + where);
        }
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
    assertEquals("backend nd4j option products must be auto, openblas or onednn, got 'mkl'",
        assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("products", "mkl"))).getMessage());
    assertEquals("unknown option 'omp' for backend nd4j (known: threads, blas-threads, products)",
        assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("omp", "1"))).getMessage());
  }
}
