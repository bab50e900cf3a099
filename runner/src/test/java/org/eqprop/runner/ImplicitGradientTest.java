package org.eqprop.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.State;
import org.eqprop.api.check.ImplicitGradient;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.backend.ejml.EjmlBackendProvider;
import org.eqprop.models.cost.SquaredError;
import org.eqprop.models.dynamics.GradientDynamics;
import org.eqprop.models.compose.ComposedEnergy;
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
        r = new ImplicitGradient(net).gradient(clamped, new SquaredError(be), target, s, 1e-10, 1000);
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
}
