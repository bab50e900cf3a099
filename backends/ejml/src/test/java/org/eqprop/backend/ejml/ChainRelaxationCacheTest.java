package org.eqprop.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqprop.api.tensor.Backend;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The relaxation keeps its layout of the weights between calls and lays them out again only when
 * they changed: a change of a single weight in place must reach the next call, exactly as a fresh
 * backend sees it.
 */
class ChainRelaxationCacheTest {

  private static float[] random(SplittableRandom random, int n, double from, double to) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextDouble(from, to);
    }
    return v;
  }

  /** The states after {@code steps} steps from {@code h0, y0} with weights {@code w}, on {@code backend}. */
  private static float[][] relax(Backend backend, ChainRelaxation chain, float[] w, float[] drive, float[] h0,
      float[] y0, Tensor weights) {
    backend.upload(w, weights);
    try (Tensor x = backend.fromHost(drive, 20, 30);
        Tensor b1 = backend.zeros(1, 30);
        Tensor b2 = backend.zeros(1, 7);
        Tensor h = backend.fromHost(h0, 20, 30);
        Tensor y = backend.fromHost(y0, 20, 7)) {
      chain.relax(x, List.of(weights), List.of(b1, b2), null, 0f, 0.5f, List.of(h, y), 5);
      return new float[][] {backend.toHost(h), backend.toHost(y)};
    }
  }

  @Test
  void aWeightChangedInPlaceReachesTheNextCall() {
    SplittableRandom random = new SplittableRandom(9);
    float[] w = random(random, 30 * 7, -0.5, 0.5);
    float[] drive = random(random, 20 * 30, -1, 1);
    float[] h0 = random(random, 20 * 30, 0, 1);
    float[] y0 = random(random, 20 * 7, 0, 1);
    try (Backend kept = new EjmlBackendProvider().create(Map.of());
        Tensor weights = kept.zeros(30, 7)) {
      ChainRelaxation chain = kept.extension(ChainRelaxation.class).orElseThrow();
      relax(kept, chain, w, drive, h0, y0, weights);
      for (int change : new int[] {0, 30 * 7 - 1, 100}) {
        w[change] += 0.25f;
        float[][] got = relax(kept, chain, w, drive, h0, y0, weights);
        try (Backend fresh = new EjmlBackendProvider().create(Map.of());
            Tensor freshWeights = fresh.zeros(30, 7)) {
          float[][] expected = relax(fresh, fresh.extension(ChainRelaxation.class).orElseThrow(), w, drive, h0, y0, freshWeights);
          assertArrayEquals(expected[0], got[0], "hidden layer after changing weight " + change);
          assertArrayEquals(expected[1], got[1], "output layer after changing weight " + change);
        }
      }
    }
  }
}
