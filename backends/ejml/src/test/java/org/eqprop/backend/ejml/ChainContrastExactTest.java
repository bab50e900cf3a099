package org.eqprop.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.chain.ChainContrast;
import org.junit.jupiter.api.Test;

/**
 * {@link EjmlChainContrast} gives, to the bit, what the composed energy's own operations give on the
 * same backend (clip, difference, a product per weight matrix and state, column sum, axpy; see
 * {@code Dense} and {@code Bias}): training with or without the kernel takes the same path. Checked
 * on a wide first layer with blank inputs, a wide layer fed by a free one, and a narrow layer fed by
 * a wide one (the product the kernel turns round), on one thread and on two.
 */
class ChainContrastExactTest {

  private static float[] random(SplittableRandom random, int n, double from, double to, double zeros) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextDouble() < zeros ? 0f : (float) random.nextDouble(from, to);
    }
    return v;
  }

  @Test
  void sameBitsAsTheOperationsItReplaces() {
    for (String threads : new String[] {"1", "2"}) {
      for (int batch : new int[] {20, 37}) {
        check(threads, batch, new int[] {300, 140, 150, 7});
      }
    }
  }

  private static void check(String threads, int batch, int[] n) {
    SplittableRandom random = new SplittableRandom(batch * 31L + threads.length());
    int depth = n.length - 1;
    try (Backend be = new EjmlBackendProvider().create(Map.of("threads", threads))) {
      ChainContrast kernel = be.extension(ChainContrast.class).orElseThrow();
      Tensor x = be.fromHost(random(random, batch * n[0], 0, 1, 0.8), batch, n[0]);
      List<Tensor> a = new ArrayList<>(), b = new ArrayList<>();
      List<Tensor> w = new ArrayList<>(), c = new ArrayList<>(), w2 = new ArrayList<>(), c2 = new ArrayList<>();
      float[] ws = new float[depth];
      float[] cs = new float[depth];
      for (int k = 1; k <= depth; k++) {
        a.add(be.fromHost(random(random, batch * n[k], -0.3, 1.3, 0.3), batch, n[k]));
        b.add(be.fromHost(random(random, batch * n[k], -0.3, 1.3, 0.3), batch, n[k]));
        float[] w0 = random(random, n[k - 1] * n[k], -1, 1, 0);
        float[] c0 = random(random, n[k], -1, 1, 0);
        w.add(be.fromHost(w0, n[k - 1], n[k]));
        w2.add(be.fromHost(w0, n[k - 1], n[k]));
        c.add(be.fromHost(c0, 1, n[k]));
        c2.add(be.fromHost(c0, 1, n[k]));
        ws[k - 1] = 0.01f * k + 0.003f;
        cs[k - 1] = -0.02f * k;
      }
      kernel.add(x, a, b, ws, cs, w, c);

      List<Tensor> ra = new ArrayList<>(), rb = new ArrayList<>();
      for (int k = 0; k < depth; k++) {
        ra.add(be.zeros(batch, n[k + 1]));
        rb.add(be.zeros(batch, n[k + 1]));
        be.clip(a.get(k), 0f, 1f, ra.get(k));
        be.clip(b.get(k), 0f, 1f, rb.get(k));
      }
      for (int k = 0; k < depth; k++) {
        Tensor diff = be.zeros(batch, n[k + 1]);
        be.sub(ra.get(k), rb.get(k), diff);
        if (k == 0) {
          be.gemm(ws[0], x, true, diff, false, 1f, w2.get(0));
        } else {
          be.gemm(ws[k], ra.get(k - 1), true, ra.get(k), false, 1f, w2.get(k));
          be.gemm(-ws[k], rb.get(k - 1), true, rb.get(k), false, 1f, w2.get(k));
        }
        Tensor sum = be.zeros(1, n[k + 1]);
        be.sumRows(diff, sum);
        be.axpy(cs[k], sum, c2.get(k));
      }
      for (int k = 0; k < depth; k++) {
        String where = Arrays.toString(n) + ", batch " + batch + ", " + threads + " thread(s), layer " + (k + 1);
        assertArrayEquals(be.toHost(w2.get(k)), be.toHost(w.get(k)), "weights, " + where);
        assertArrayEquals(be.toHost(c2.get(k)), be.toHost(c.get(k)), "biases, " + where);
      }
    }
  }
}
