package org.eqprop.backend.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eqprop.api.Optimizer;
import org.eqprop.api.Parameter;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.optim.Adam;
import org.eqprop.models.optim.Sgd;
import org.junit.jupiter.api.Test;

/**
 * The optimizers on the backend under test against a double-precision reference: SGD with
 * momentum and weight decay, Adam with weight decay, each over three steps with the learning
 * rates scaled by a schedule in between.
 */
public abstract class OptimizerChecks extends LayeredHopfieldChecks {
  private static final int[][] SHAPES = {{3, 4}, {1, 4}};
  private static final double[] RATES = {0.1, 0.02};
  private static final double[] SCALES = {1, 0.5, 0.25};

  private double[][] randomMatrix(int n, int steps) {
    double[][] out = new double[steps][n];
    for (double[] row : out) {
      for (int i = 0; i < n; i++) {
        row[i] = 2 * random.nextDouble() - 1;
      }
    }
    return out;
  }

  /** Runs {@code optimizer} over the gradients and returns the parameters, flattened per tensor. */
  private double[][] run(Optimizer optimizer, List<Parameter> params, double[][][] grads) {
    List<Tensor> g = new ArrayList<>();
    for (int[] s : SHAPES) {
      g.add(backend.zeros(s[0], s[1]));
    }
    try {
      for (int t = 0; t < SCALES.length; t++) {
        optimizer.setLearningRateScale((float) SCALES[t]);
        for (int i = 0; i < g.size(); i++) {
          backend.upload(ReferenceHopfield.toFloat(grads[i][t]), g.get(i));
        }
        optimizer.step(params, g);
      }
    } finally {
      g.forEach(Tensor::close);
    }
    double[][] out = new double[params.size()][];
    for (int i = 0; i < params.size(); i++) {
      float[] v = backend.toHost(params.get(i).value());
      out[i] = new double[v.length];
      for (int j = 0; j < v.length; j++) {
        out[i][j] = v[j];
      }
    }
    return out;
  }

  private List<Parameter> parameters(double[][] start) {
    List<Parameter> out = new ArrayList<>();
    for (int i = 0; i < SHAPES.length; i++) {
      out.add(new Parameter(i == 0 ? "W1" : "b1", i,
          backend.fromHost(ReferenceHopfield.toFloat(start[i]), SHAPES[i][0], SHAPES[i][1])));
    }
    return out;
  }

  private static void assertClose(double[][] expected, double[][] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        assertTrue(Math.abs(expected[i][j] - actual[i][j]) < 2e-6,
            what + ": tensor " + i + " element " + j + " expected " + expected[i][j] + " but was " + actual[i][j]);
      }
    }
  }

  @Test
  public void sgdWithMomentumAndWeightDecayMatchesTheReference() {
    double mu = 0.9;
    double wd = 0.01;
    double[][] start = {randomMatrix(12, 1)[0], randomMatrix(4, 1)[0]};
    double[][][] grads = {randomMatrix(12, 3), randomMatrix(4, 3)};
    double[][] expected = {start[0].clone(), start[1].clone()};
    double[][] velocity = {new double[12], new double[4]};
    for (int t = 0; t < SCALES.length; t++) {
      for (int i = 0; i < 2; i++) {
        double alpha = RATES[i] * SCALES[t];
        for (int j = 0; j < expected[i].length; j++) {
          expected[i][j] *= 1 - alpha * wd;
          velocity[i][j] = mu * velocity[i][j] + grads[i][t][j];
          expected[i][j] -= alpha * velocity[i][j];
        }
      }
    }
    List<Parameter> params = parameters(start);
    try (Sgd sgd = new Sgd(backend, params, new float[] {0.1f, 0.02f}, (float) mu, (float) wd)) {
      assertClose(expected, run(sgd, params, grads), "sgd");
      assertEquals(Set.of("momentum.W1", "momentum.b1"), sgd.stateTensors().keySet());
    } finally {
      params.forEach(p -> p.value().close());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Sgd(backend, List.of(), new float[] {0.1f}, 1f, 0f));
    assertEquals("momentum must be in [0, 1), got 1.0", e.getMessage());
  }

  @Test
  public void adamWithWeightDecayMatchesTheReference() {
    double b1 = 0.9;
    double b2 = 0.99;
    double eps = 1e-3;
    double wd = 0.05;
    double[][] start = {randomMatrix(12, 1)[0], randomMatrix(4, 1)[0]};
    double[][][] grads = {randomMatrix(12, 3), randomMatrix(4, 3)};
    double[][] expected = {start[0].clone(), start[1].clone()};
    double[][] m = {new double[12], new double[4]};
    double[][] v = {new double[12], new double[4]};
    for (int t = 0; t < SCALES.length; t++) {
      double c1 = 1 - Math.pow(b1, t + 1);
      double c2 = 1 - Math.pow(b2, t + 1);
      for (int i = 0; i < 2; i++) {
        double alpha = RATES[i] * SCALES[t];
        for (int j = 0; j < expected[i].length; j++) {
          double g = grads[i][t][j];
          expected[i][j] *= 1 - alpha * wd;
          m[i][j] = b1 * m[i][j] + (1 - b1) * g;
          v[i][j] = b2 * v[i][j] + (1 - b2) * g * g;
          expected[i][j] -= alpha / c1 * m[i][j] / (Math.sqrt(v[i][j]) / Math.sqrt(c2) + eps);
        }
      }
    }
    List<Parameter> params = parameters(start);
    try (Adam adam = new Adam(backend, params, new float[] {0.1f, 0.02f}, (float) b1, (float) b2, (float) eps, (float) wd)) {
      assertClose(expected, run(adam, params, grads), "adam");
      assertEquals(Set.of("m.W1", "v.W1", "m.b1", "v.b1", "t"), adam.stateTensors().keySet());
      assertEquals(3f, backend.toHost(adam.stateTensors().get("t"))[0]);
    } finally {
      params.forEach(p -> p.value().close());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Adam(backend, List.of(), new float[] {0.1f}, 0.9f, 1f, 1e-8f, 0f));
    assertEquals("beta2 must be in (0, 1), got 1.0", e.getMessage());
  }
}
