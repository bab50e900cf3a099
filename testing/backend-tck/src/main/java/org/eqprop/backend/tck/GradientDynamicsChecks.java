package org.eqprop.backend.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.cost.SquaredError;
import org.eqprop.models.dynamics.FixedPointDynamics;
import org.eqprop.models.dynamics.GradientDynamics;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.hopfield.LayeredHopfield;
import org.junit.jupiter.api.Test;

/** The paper's dynamics on the backend under test: F falls at every step; steps equal the reference's. */
public abstract class GradientDynamicsChecks extends OptimizerChecks {
  private static final int[] SIZES = {12, 9, 7, 4};
  private static final int BATCH = 5;

  private double totalF(ClampedEnergy e, SquaredError cost, State s, Tensor target, float beta) {
    try (Tensor en = backend.zeros(BATCH, 1); Tensor c = backend.zeros(BATCH, 1)) {
      e.energy(s, en);
      cost.value(s.output(), target, c);
      double f = 0;
      float[] a = backend.toHost(en);
      float[] b = backend.toHost(c);
      for (int i = 0; i < BATCH; i++) {
        f += a[i] + beta * b[i];
      }
      return f;
    }
  }

  @Test
  public void totalEnergyDecreasesAtEveryStepForASmallStepSize() {
    ReferenceHopfield ref = ReferenceHopfield.random(SIZES, 5, 0.6, 0.3);
    float beta = 0.5f;
    try (ComposedEnergy net = LayeredHopfield.of(backend, SIZES, ref.floatWeights(), ref.floatBiases());
        Tensor x = Fixtures.tensor(backend, Fixtures.uniform(random, BATCH, SIZES[0], 0, 1));
        Tensor target = Fixtures.tensor(backend, Fixtures.oneHot(new int[] {0, 1, 2, 3, 0}, 4));
        State s = State.zeros(backend, BATCH, net.stateSizes());
        ClampedEnergy clamped = net.clamp(x)) {
      SquaredError cost = new SquaredError(backend);
      GradientDynamics dynamics = new GradientDynamics(backend, net.stateSizes(), 0.1f);
      double previous = totalF(clamped, cost, s, target, beta);
      double first = previous;
      for (int t = 0; t < 60; t++) {
        dynamics.relax(clamped, cost, target, beta, s, 1);
        double f = totalF(clamped, cost, s, target, beta);
        assertTrue(f <= previous + 1e-5, "F rose at step " + t + ": " + previous + " -> " + f);
        previous = f;
      }
      assertTrue(previous < first - 0.1, "F should fall clearly: " + first + " -> " + previous);
    }
  }

  @Test
  public void stepsMatchTheDoubleReference() {
    ReferenceHopfield ref = ReferenceHopfield.random(SIZES, 6, 0.6, 0.3);
    double[][] x = Fixtures.uniform(random, BATCH, SIZES[0], 0, 1);
    double[][] d = Fixtures.oneHot(new int[] {3, 1, 2, 0, 0}, 4);
    double[][][] expected = ref.zeroState(BATCH);
    ref.relax(x, expected, 20, 0.5, 0, d);
    ref.relax(x, expected, 4, 0.5, -1.0, d);
    try (ComposedEnergy net = LayeredHopfield.of(backend, SIZES, ref.floatWeights(), ref.floatBiases());
        Tensor xt = Fixtures.tensor(backend, x);
        Tensor target = Fixtures.tensor(backend, d);
        State s = State.zeros(backend, BATCH, net.stateSizes());
        ClampedEnergy clamped = net.clamp(xt)) {
      SquaredError cost = new SquaredError(backend);
      GradientDynamics dynamics = new GradientDynamics(backend, net.stateSizes(), 0.5f);
      assertEquals(20, dynamics.relax(clamped, cost, target, 0f, s, 20));
      dynamics.relax(clamped, cost, target, -1f, s, 4);
      for (int k = 0; k < s.size(); k++) {
        assertTrue(Fixtures.maxAbsDiff(backend, s.layer(k), expected[k]) < 1e-5, "layer " + k);
      }
    }
  }

  @Test
  public void aToleranceStopsTheRelaxationOnceItHasConverged() {
    ReferenceHopfield ref = ReferenceHopfield.random(SIZES, 9, 0.6, 0.3);
    try (ComposedEnergy net = LayeredHopfield.of(backend, SIZES, ref.floatWeights(), ref.floatBiases());
        Tensor x = Fixtures.tensor(backend, Fixtures.uniform(random, BATCH, SIZES[0], 0, 1));
        State full = State.zeros(backend, BATCH, net.stateSizes());
        State early = State.zeros(backend, BATCH, net.stateSizes());
        ClampedEnergy clamped = net.clamp(x)) {
      SquaredError cost = new SquaredError(backend);
      assertEquals(2000, new GradientDynamics(backend, net.stateSizes(), 0.5f).relax(clamped, cost, null, 0f, full, 2000));
      for (org.eqprop.api.Dynamics d : new org.eqprop.api.Dynamics[] {
          new GradientDynamics(backend, net.stateSizes(), 0.5f, 1e-6f),
          new FixedPointDynamics(backend, net.stateSizes(), 1e-6f)}) {
        early.clear(backend);
        int taken = d.relax(clamped, cost, null, 0f, early, 2000);
        assertTrue(taken > 1 && taken < 2000, d.name() + " took " + taken + " steps");
        for (int k = 0; k < early.size(); k++) {
          double diff = Fixtures.maxAbsDiff(backend, early.layer(k), toDouble(backend.toHost(full.layer(k))));
          assertTrue(diff < 1e-3, d.name() + ", layer " + (k + 1) + ": " + diff + " from the fixed point");
        }
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GradientDynamics(backend, new int[] {3}, 0.5f, -1f));
    assertEquals("tolerance must be >= 0 and finite, got -1.0", e.getMessage());
  }

  @Test
  public void rejectsANonPositiveStepAndANudgeWithoutTarget() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GradientDynamics(backend, new int[] {3}, 0f));
    assertEquals("eps must be positive and finite, got 0.0", e.getMessage());
  }

  /** Steps until no state element moves more than {@code tol}; at most {@code max}. */
  private int stepsToConverge(org.eqprop.api.Dynamics d, ClampedEnergy clamped, SquaredError cost, Tensor target,
      float beta, State s, double tol, int max) {
    float[][] before = new float[s.size()][];
    for (int t = 1; t <= max; t++) {
      for (int k = 0; k < s.size(); k++) {
        before[k] = backend.toHost(s.layer(k));
      }
      d.relax(clamped, cost, target, beta, s, 1);
      double change = 0;
      for (int k = 0; k < s.size(); k++) {
        float[] now = backend.toHost(s.layer(k));
        for (int i = 0; i < now.length; i++) {
          change = Math.max(change, Math.abs(now[i] - before[k][i]));
        }
      }
      if (change < tol) {
        return t;
      }
    }
    return max;
  }

  @Test
  public void fixedPointDynamicsReachesTheSameFixedPointInFewerSteps() {
    ReferenceHopfield ref = ReferenceHopfield.random(SIZES, 8, 0.6, 0.3);
    try (ComposedEnergy net = LayeredHopfield.of(backend, SIZES, ref.floatWeights(), ref.floatBiases());
        Tensor x = Fixtures.tensor(backend, Fixtures.uniform(random, BATCH, SIZES[0], 0, 1));
        Tensor target = Fixtures.tensor(backend, Fixtures.oneHot(new int[] {0, 1, 2, 3, 0}, 4));
        State slow = State.zeros(backend, BATCH, net.stateSizes());
        State fast = State.zeros(backend, BATCH, net.stateSizes());
        ClampedEnergy clamped = net.clamp(x)) {
      SquaredError cost = new SquaredError(backend);
      GradientDynamics gradient = new GradientDynamics(backend, net.stateSizes(), 0.5f);
      FixedPointDynamics fixedPoint = new FixedPointDynamics(backend, net.stateSizes());
      for (float beta : new float[] {0f, 0.5f}) {
        int slowSteps = stepsToConverge(gradient, clamped, cost, target, beta, slow, 1e-6, 2000);
        int fastSteps = stepsToConverge(fixedPoint, clamped, cost, target, beta, fast, 1e-6, 2000);
        assertTrue(fastSteps < slowSteps, "beta " + beta + ": fixed-point took " + fastSteps + " steps, gradient " + slowSteps);
        for (int k = 0; k < slow.size(); k++) {
          double diff = Fixtures.maxAbsDiff(backend, fast.layer(k), toDouble(backend.toHost(slow.layer(k))));
          assertTrue(diff < 1e-4, "beta " + beta + ", layer " + (k + 1) + ": the two fixed points differ by " + diff);
        }
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> fixedPoint.relax(clamped, cost, target, -1f, fast, 1));
      assertEquals("fixed-point dynamics needs beta > -1 (the nudged output's curvature 1 + beta must be positive), got -1.0",
          e.getMessage());
    }
  }

  private static double[] toDouble(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }
}
