package org.eqprop.backend.jcuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.backend.tck.Fixtures;
import org.eqprop.backend.tck.ReferenceChain;
import org.eqprop.backend.tck.ReferenceHopfield;
import org.junit.jupiter.api.Test;

/**
 * The {@code tf32} option: products whose operands are rounded to TF32 (10 bits of mantissa) are as
 * far from the double-precision ones as that rounding allows, and farther than fp32's, so the
 * option does take effect; the step relaxation stays close to the reference. Run on the emulated
 * device ({@link EmulatedTf32Test}) and on a GPU ({@link JcudaTf32Test}), where the tensor cores'
 * fragment layouts are what is checked.
 */
abstract class Tf32Checks {
  /** Bound on the relative error of one product of two TF32-rounded operands: 2 · 2⁻¹¹, and fp32's sum. */
  private static final double PER_TERM = 2 * Math.pow(2, -11) + 1e-6;
  private final Random random = new Random(5);

  /** A new device to run the checks on. */
  protected abstract Device device();

  /** {max |c − exact| / Σ|a||b|} over c's elements for op(a)·op(b), m × k times k × n. */
  private double gemmError(boolean tf32, int m, int n, int k, boolean transA, boolean transB) {
    double[][] a = Fixtures.uniform(random, m, k, -1, 1);
    double[][] b = Fixtures.uniform(random, k, n, -1, 1);
    a = Fixtures.roundToFloat(a);
    b = Fixtures.roundToFloat(b);
    try (JcudaBackend backend = new JcudaBackend(device(), JcudaRelaxation.Mode.AUTO, tf32);
        Tensor ta = Fixtures.tensor(backend, transA ? transpose(a) : a);
        Tensor tb = Fixtures.tensor(backend, transB ? transpose(b) : b);
        Tensor c = backend.zeros(m, n)) {
      backend.gemm(1f, ta, transA, tb, transB, 0f, c);
      float[] got = backend.toHost(c);
      double worst = 0;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double exact = 0;
          double scale = 0;
          for (int q = 0; q < k; q++) {
            exact += a[i][q] * b[q][j];
            scale += Math.abs(a[i][q] * b[q][j]);
          }
          worst = Math.max(worst, Math.abs(got[i * n + j] - exact) / scale);
        }
      }
      return worst;
    }
  }

  private static double[][] transpose(double[][] m) {
    double[][] t = new double[m[0].length][m.length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[0].length; j++) {
        t[j][i] = m[i][j];
      }
    }
    return t;
  }

  @Test
  void tf32ProductsCarryTf32RoundingAndNoMore() {
    for (boolean transA : new boolean[] {false, true}) {
      for (boolean transB : new boolean[] {false, true}) {
        String what = "transA " + transA + ", transB " + transB;
        // 70 x 37 over 45: partial tiles in every direction, three slices of 16 along k
        double tf32 = gemmError(true, 70, 37, 45, transA, transB);
        double fp32 = gemmError(false, 70, 37, 45, transA, transB);
        assertTrue(tf32 <= PER_TERM, what + ": tf32 relative error " + tf32 + " beyond " + PER_TERM);
        assertTrue(tf32 > 8 * fp32, what + ": tf32 error " + tf32 + " should dwarf fp32's " + fp32);
      }
    }
  }

  @Test
  void theStepRelaxationOnTf32StaysNearTheReference() {
    int[] sizes = {30, 130, 70, 10};
    int batch = 70;
    double[] worst = new double[2];
    for (int t = 0; t < 2; t++) {
      ReferenceHopfield ref = ReferenceHopfield.random(sizes, 3, 2 / Math.sqrt(sizes[1]), 0.3);
      Random r = new Random(9);
      double[][] x = Fixtures.uniform(r, batch, sizes[0], 0, 1);
      double[][][] expected = Fixtures.roundToFloat(Fixtures.randomState(r, ref, batch, -0.2, 1.2));
      try (JcudaBackend backend = new JcudaBackend(device(), JcudaRelaxation.Mode.STEPS, t == 1)) {
        State s = Fixtures.state(backend, expected);
        ref.relax(x, expected, 6, 0.5, 0, null);
        ReferenceChain chain = ReferenceChain.of(backend, ref, x);
        chain.relax(backend.extension(org.eqprop.models.chain.ChainRelaxation.class).orElseThrow(), null, 0f, 0.5f, s.layers(), 6);
        for (int k = 0; k < s.size(); k++) {
          worst[t] = Math.max(worst[t], Fixtures.maxAbsDiff(backend, s.layer(k), expected[k]));
        }
      }
    }
    assertTrue(worst[0] < 1e-5, "fp32 differs by " + worst[0]);
    assertTrue(worst[1] < 2e-3, "tf32 differs by " + worst[1]);
    assertTrue(worst[1] > 10 * worst[0], "tf32 (" + worst[1] + ") should differ more than fp32 (" + worst[0] + ")");
  }
}
