package org.eqprop.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.backend.ejml.EjmlBackendProvider;
import org.eqprop.models.check.ImplicitGradient;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.cost.SquaredError;
import org.eqprop.models.dynamics.GradientDynamics;
import org.eqprop.models.hopfield.LayeredHopfield;
import org.junit.jupiter.api.Test;

/** The implicit (recurrent-backprop) gradient against finite differences of the fixed-point loss. */
class ImplicitGradientTest {
  private static final int[] SIZES = {6, 5, 4, 3};
  private static final int BATCH = 3;

  private final SplittableRandom random = new SplittableRandom(7);

  private float[] uniform(int n, double lo, double hi) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (lo + (hi - lo) * random.nextDouble());
    }
    return v;
  }

  /** The mean cost at the free fixed point of a network with these parameters. */
  private static double loss(Backend be, List<float[]> w, List<float[]> b, Tensor x, Tensor target) {
    try (ComposedEnergy net = LayeredHopfield.of(be, SIZES, w, b);
        State s = State.zeros(be, BATCH, net.stateSizes());
        ClampedEnergy clamped = net.clamp(x);
        Tensor c = be.zeros(BATCH, 1)) {
      new GradientDynamics(be, net.stateSizes(), 0.5f).relax(clamped, null, null, 0f, s, 3000);
      new SquaredError(be).value(s.output(), target, c);
      double sum = 0;
      for (float v : be.toHost(c)) {
        sum += v;
      }
      return sum / BATCH;
    }
  }

  @Test
  void matchesFiniteDifferencesOfTheFixedPointLoss() {
    try (Backend be = new EjmlBackendProvider().create(Map.of())) {
      List<float[]> w = new ArrayList<>();
      List<float[]> b = new ArrayList<>();
      for (int k = 1; k < SIZES.length; k++) {
        w.add(uniform(SIZES[k - 1] * SIZES[k], -0.1, 0.1));
        b.add(uniform(SIZES[k], 0.3, 0.5)); // with the small weights, keeps every unit inside (0, 1)
      }
      Tensor x = be.fromHost(uniform(BATCH * SIZES[0], 0, 1), BATCH, SIZES[0]);
      Tensor target = be.fromHost(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, BATCH, 3);
      List<double[]> exact;
      ImplicitGradient.Result r;
      try (ComposedEnergy net = LayeredHopfield.of(be, SIZES, w, b);
          State s = State.zeros(be, BATCH, net.stateSizes());
          ClampedEnergy clamped = net.clamp(x)) {
        new GradientDynamics(be, net.stateSizes(), 0.5f).relax(clamped, null, null, 0f, s, 3000);
        r = new ImplicitGradient(net).gradient(x, new SquaredError(be), target, s, 1e-10, 1000);
        exact = r.gradient();
      }
      assertEquals(r.units(), r.freeUnits(), "every unit inside (0, 1)");
      double dot = 0, ee = 0, ff = 0, diff = 0;
      float h = 3e-2f;
      for (int p = 0; p < 2 * w.size(); p++) {
        float[] t = p % 2 == 0 ? w.get(p / 2) : b.get(p / 2);
        for (int i = 0; i < t.length; i++) {
          float keep = t[i];
          t[i] = keep + h;
          double plus = loss(be, w, b, x, target);
          t[i] = keep - h;
          double minus = loss(be, w, b, x, target);
          t[i] = keep;
          double fd = (plus - minus) / (2 * h);
          double e = exact.get(p)[i];
          dot += fd * e;
          ee += e * e;
          ff += fd * fd;
          diff += (fd - e) * (fd - e);
        }
      }
      double cosine = dot / Math.sqrt(ee * ff);
      double relative = Math.sqrt(diff / ff);
      assertTrue(cosine > 0.9999, "cosine " + cosine + ", relative error " + relative + ", " + r);
      assertTrue(relative < 0.01, "relative error " + relative);
      x.close();
      target.close();
    }
  }

  /**
   * The exact gradient of a batch is the mean of its samples' gradients, each computed alone, even
   * where one sample carries the whole gradient and 199 others, with their outputs pinned at 0 and 1,
   * carry none but dominate the parameter-gradient sums (as on a trained network): a float32
   * difference of two sums over the batch loses that sample's term in their rounding.
   */
  @Test
  void oneSampleCarryingTheGradientAmongManyPinnedOnesIsNotLost() {
    int[] sizes = {6, 8, 3};
    int batch = 200;
    float[] w1 = new float[6 * 8];
    java.util.Arrays.fill(w1, 2f);
    float[] w2 = new float[8 * 3];
    for (int h = 0; h < 8; h++) {
      w2[h * 3] = 0.2f;
      w2[h * 3 + 1] = -0.2f;
      w2[h * 3 + 2] = 0.2f;
    }
    float[] b1 = new float[8];
    java.util.Arrays.fill(b1, 0.4f);
    float[] b2 = {-0.5f, -0.5f, -0.5f};
    float[] x = new float[batch * 6];
    java.util.Arrays.fill(x, 6, x.length, 1f); // sample 0 all zeros (interior outputs), the others all ones (pinned)
    float[] d = new float[batch * 3];
    for (int i = 0; i < batch; i++) {
      d[i * 3 + i % 3] = 1f;
    }
    try (Backend be = new EjmlBackendProvider().create(Map.of());
        ComposedEnergy net = LayeredHopfield.of(be, sizes, List.of(w1, w2), List.of(b1, b2));
        Tensor xs = be.fromHost(x, batch, 6);
        Tensor ds = be.fromHost(d, batch, 3);
        Tensor x0 = be.fromHost(new float[6], 1, 6);
        Tensor d0 = be.fromHost(new float[] {1, 0, 0}, 1, 3);
        State s = State.zeros(be, batch, net.stateSizes());
        State s0 = State.zeros(be, 1, net.stateSizes())) {
      GradientDynamics dynamics = new GradientDynamics(be, net.stateSizes(), 0.5f);
      try (ClampedEnergy c = net.clamp(xs); ClampedEnergy c0 = net.clamp(x0)) {
        dynamics.relax(c, null, null, 0f, s, 3000);
        dynamics.relax(c0, null, null, 0f, s0, 3000);
      }
      float[] y = be.toHost(s.output());
      assertTrue(y[0] > 0.1f && y[0] < 0.9f && y[3] == 1f && y[4] == 0f, "sample 0 interior, the others pinned: "
          + java.util.Arrays.toString(java.util.Arrays.copyOf(y, 6)));
      ImplicitGradient ig = new ImplicitGradient(net);
      List<double[]> all = ig.gradient(xs, new SquaredError(be), ds, s, 1e-12, 1000).gradient();
      List<double[]> alone = ig.gradient(x0, new SquaredError(be), d0, s0, 1e-12, 1000).gradient();
      double diff = 0, norm = 0;
      for (int p = 0; p < all.size(); p++) {
        for (int j = 0; j < all.get(p).length; j++) {
          double expected = alone.get(p)[j] / batch; // L is the batch mean
          diff += (all.get(p)[j] - expected) * (all.get(p)[j] - expected);
          norm += expected * expected;
        }
      }
      assertTrue(norm > 0, "sample 0 carries a gradient");
      assertTrue(Math.sqrt(diff / norm) < 1e-5, "relative difference " + Math.sqrt(diff / norm));
    }
  }
}
