package org.eqprop.backend.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.eqprop.api.Batch;
import org.eqprop.api.DivergenceException;
import org.eqprop.api.Energy;
import org.eqprop.api.Optimizer;
import org.eqprop.api.Parameter;
import org.eqprop.api.PendingStep;
import org.eqprop.api.TrainStep;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.cost.SquaredError;
import org.eqprop.models.dynamics.GradientDynamics;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.hopfield.LayeredHopfield;
import org.eqprop.models.learning.EpSettings;
import org.eqprop.models.learning.EquilibriumPropagation;
import org.eqprop.models.optim.Sgd;
import org.junit.jupiter.api.Test;

/**
 * The EP learner on the backend under test: one full training step (free phase, nudged phase,
 * update) equal to the reference, the estimate converging to the exact gradient as beta shrinks,
 * persistent particles, divergence.
 */
public abstract class EquilibriumPropagationChecks extends GradientDynamicsChecks {

  /** The loss ½‖s*_N − d‖², averaged over the batch, at the free fixed point (reached in double). */
  private static double lossAtFixedPoint(ReferenceHopfield ref, double[][] x, double[][] d) {
    double[][][] s = ref.zeroState(x.length);
    ref.relax(x, s, 600, 0.5, 0, null);
    double[] c = ref.cost(s, d);
    double sum = 0;
    for (double v : c) {
      sum += v;
    }
    return sum / x.length;
  }

  /** Central finite differences of the fixed-point loss with respect to every parameter. */
  private static double[] exactGradient(ReferenceHopfield ref, double[][] x, double[][] d) {
    int n = 0;
    for (int k = 0; k < ref.layers(); k++) {
      n += ref.sizes[k] * ref.sizes[k + 1] + ref.sizes[k + 1];
    }
    double[] g = new double[n];
    double h = 1e-5;
    int at = 0;
    for (int k = 0; k < ref.layers(); k++) {
      for (int a = 0; a < ref.sizes[k]; a++) {
        for (int j = 0; j < ref.sizes[k + 1]; j++) {
          double keep = ref.w[k][a][j];
          ref.w[k][a][j] = keep + h;
          double plus = lossAtFixedPoint(ref, x, d);
          ref.w[k][a][j] = keep - h;
          double minus = lossAtFixedPoint(ref, x, d);
          ref.w[k][a][j] = keep;
          g[at++] = (plus - minus) / (2 * h);
        }
      }
      for (int j = 0; j < ref.sizes[k + 1]; j++) {
        double keep = ref.b[k][j];
        ref.b[k][j] = keep + h;
        double plus = lossAtFixedPoint(ref, x, d);
        ref.b[k][j] = keep - h;
        double minus = lossAtFixedPoint(ref, x, d);
        ref.b[k][j] = keep;
        g[at++] = (plus - minus) / (2 * h);
      }
    }
    return g;
  }

  private static double relativeError(double[] estimate, double[] exact) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < exact.length; i++) {
      num += (estimate[i] - exact[i]) * (estimate[i] - exact[i]);
      den += exact[i] * exact[i];
    }
    return Math.sqrt(num / den);
  }

  private static double cosine(double[] a, double[] b) {
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
    }
    return ab / Math.sqrt(aa * bb);
  }

  private double[] flatten(List<Tensor> grads) {
    int n = 0;
    for (Tensor t : grads) {
      n += (int) t.size();
    }
    double[] out = new double[n];
    int at = 0;
    for (Tensor t : grads) {
      for (float v : backend.toHost(t)) {
        out[at++] = v;
      }
    }
    return out;
  }

  /**
   * A 5-6-3 network whose free fixed point lies inside (0, 1), where E is smooth, a batch of 4, and
   * the exact gradient of its fixed-point loss (finite differences in double precision).
   */
  private final class SmoothProblem {
    final int[] sizes = {5, 6, 3};
    final ReferenceHopfield ref = ReferenceHopfield.random(sizes, 21, 0.6, 0.3);
    final double[][] x;
    final int[] labels = {0, 2, 1, 2};
    final double[][] d = Fixtures.oneHot(labels, 3);
    final double[] exact;

    SmoothProblem() {
      for (double[] b : ref.b) {
        for (int j = 0; j < b.length; j++) {
          b[j] = 0.4 + 0.2 * b[j]; // keep the fixed point inside (0, 1)
        }
      }
      x = Fixtures.roundToFloat(Fixtures.uniform(random, 4, sizes[0], 0, 1));
      exact = exactGradient(ref, x, d);
    }

    /** The EP estimates on the backend under test, one-sided or centered, at each beta. */
    double[][] estimates(boolean centered, float... betas) {
      EpSettings settings = new EpSettings(400, 400, 1f, false, false, 400, centered);
      try (ComposedEnergy net = LayeredHopfield.of(backend, sizes, ref.floatWeights(), ref.floatBiases());
          Tensor xt = Fixtures.tensor(backend, x);
          Tensor target = Fixtures.tensor(backend, d);
          EquilibriumPropagation ep = new EquilibriumPropagation(net,
              new GradientDynamics(backend, net.stateSizes(), 0.5f), new SquaredError(backend),
              new Sgd(backend, new float[] {0.1f, 0.1f}), settings, 4, new SplittableRandom(1))) {
        Batch batch = new Batch(xt, target, labels, new int[] {0, 1, 2, 3});
        double[][] out = new double[betas.length][];
        for (int i = 0; i < betas.length; i++) {
          out[i] = flatten(ep.estimateGradient(batch, betas[i]));
        }
        return out;
      }
    }
  }

  @Test
  public void epEstimateApproachesTheGradientOfTheFixedPointLossAsBetaShrinks() {
    SmoothProblem problem = new SmoothProblem();
    // the EP estimate is biased by O(beta): the error shrinks in proportion to beta
    float[] betas = {0.1f, 0.03f, 0.01f, -0.02f};
    double[][] estimates = problem.estimates(false, betas);
    double[] errors = new double[3];
    for (int i = 0; i < 3; i++) {
      errors[i] = relativeError(estimates[i], problem.exact);
      assertTrue(errors[i] < 1.5 * betas[i], "relative error " + errors[i] + " at beta " + betas[i]);
    }
    assertTrue(cosine(estimates[2], problem.exact) > 0.9999, "cosine at beta 0.01");
    assertTrue(errors[0] > errors[1] && errors[1] > 2.5 * errors[2],
        "error should fall linearly with beta: " + java.util.Arrays.toString(errors));
    // a negative beta estimates the same gradient, with the opposite first-order bias
    assertTrue(relativeError(estimates[3], problem.exact) < 1.5 * 0.02);
  }

  @Test
  public void centeredEstimateHasASecondOrderBias() {
    SmoothProblem problem = new SmoothProblem();
    double[] oneSided = new double[2];
    double[] centered = new double[2];
    for (boolean c : new boolean[] {false, true}) {
      double[][] estimates = problem.estimates(c, 0.2f, 0.1f);
      for (int i = 0; i < 2; i++) {
        (c ? centered : oneSided)[i] = relativeError(estimates[i], problem.exact);
      }
    }
    String all = "one-sided " + java.util.Arrays.toString(oneSided) + ", centered " + java.util.Arrays.toString(centered);
    assertTrue(centered[1] < oneSided[1] / 5, "centered nudging is far closer at beta 0.1: " + all);
    assertTrue(centered[0] > 3 * centered[1], "halving beta divides the centered error by about 4: " + all);
  }

  /** The mean softmax-readout cross-entropy at the free fixed point (reached in double). */
  private static double readoutLoss(ReferenceHopfield ref, double[][] rw, double[] rb, double[][] x, int[] labels) {
    double[][][] s = ref.zeroState(x.length);
    ref.relax(x, s, 600, 0.5, 0, null);
    double[][] y = s[s.length - 1];
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      double[] z = rb.clone();
      for (int c = 0; c < z.length; c++) {
        for (int u = 0; u < y[i].length; u++) {
          z[c] += y[i][u] * rw[u][c];
        }
      }
      double max = java.util.Arrays.stream(z).max().orElseThrow();
      double norm = 0;
      for (double v : z) {
        norm += Math.exp(v - max);
      }
      sum += max + Math.log(norm) - z[labels[i]];
    }
    return sum / x.length;
  }

  @Test
  public void epThroughASoftmaxReadoutEstimatesTheGradientOfItsLoss() {
    // a 5-6-4 network read by a softmax readout into 3 classes; the exact gradient of the
    // fixed-point loss, the readout's parameters included, by central differences in double
    int[] sizes = {5, 6, 4};
    ReferenceHopfield ref = ReferenceHopfield.random(sizes, 28, 0.3, 0.3);
    for (double[] b : ref.b) {
      for (int j = 0; j < b.length; j++) {
        b[j] = 0.4 + 0.2 * b[j]; // keep the fixed point inside (0, 1): 39 of its 40 units are
      }
    }
    double[][] x = Fixtures.roundToFloat(Fixtures.uniform(new java.util.Random(7), 4, sizes[0], 0, 1));
    int[] labels = {0, 2, 1, 2};
    org.eqprop.models.cost.SoftmaxReadout readout =
        new org.eqprop.models.cost.SoftmaxReadout(backend, 4, 3, 2, new SplittableRandom(3));
    float[] rwFlat = backend.toHost(readout.parameters().get(0).value());
    float[] rbFlat = backend.toHost(readout.parameters().get(1).value());
    double[][] rw = new double[4][3];
    double[] rb = new double[3];
    for (int c = 0; c < 3; c++) {
      rb[c] = rbFlat[c];
      for (int u = 0; u < 4; u++) {
        rw[u][c] = rwFlat[u * 3 + c];
      }
    }
    List<Double> exact = new ArrayList<>();
    double h = 1e-5;
    for (int k = 0; k < ref.layers(); k++) {
      for (double[] row : ref.w[k]) {
        for (int j = 0; j < row.length; j++) {
          exact.add(difference(row, j, h, () -> readoutLoss(ref, rw, rb, x, labels)));
        }
      }
      for (int j = 0; j < ref.b[k].length; j++) {
        exact.add(difference(ref.b[k], j, h, () -> readoutLoss(ref, rw, rb, x, labels)));
      }
    }
    for (double[] row : rw) {
      for (int c = 0; c < row.length; c++) {
        exact.add(difference(row, c, h, () -> readoutLoss(ref, rw, rb, x, labels)));
      }
    }
    for (int c = 0; c < rb.length; c++) {
      exact.add(difference(rb, c, h, () -> readoutLoss(ref, rw, rb, x, labels)));
    }
    double[] expected = exact.stream().mapToDouble(Double::doubleValue).toArray();
    int readoutParameters = 4 * 3 + 3;
    double energyPart = 0, all = 0;
    for (int i = 0; i < expected.length; i++) {
      all += expected[i] * expected[i];
      energyPart += i < expected.length - readoutParameters ? expected[i] * expected[i] : 0;
    }
    assertTrue(energyPart > 0.01 * all, "the network's own parameters carry the gradient too: " + energyPart / all);

    double[] errors = new double[2];
    for (boolean centered : new boolean[] {false, true}) {
      // small weights: 50 steps per phase settle this network (kept few for the emulated GPU backend)
      EpSettings settings = new EpSettings(50, 50, 1f, false, false, 50, centered);
      try (ComposedEnergy net = LayeredHopfield.of(backend, sizes, ref.floatWeights(), ref.floatBiases());
          Tensor xt = Fixtures.tensor(backend, x);
          Tensor target = Fixtures.tensor(backend, Fixtures.oneHot(labels, 3));
          EquilibriumPropagation ep = new EquilibriumPropagation(net,
              new GradientDynamics(backend, net.stateSizes(), 0.5f), readout,
              new Sgd(backend, new float[] {0.1f, 0.1f, 0.1f}), settings, 4, new SplittableRandom(1))) {
        Batch batch = new Batch(xt, target, labels, new int[] {0, 1, 2, 3});
        double[] estimate = flatten(ep.estimateGradient(batch, 0.01f));
        assertEquals(expected.length, estimate.length, "one estimate per parameter, the readout's last");
        errors[centered ? 1 : 0] = relativeError(estimate, expected);
        assertTrue(cosine(estimate, expected) > 0.999, "cosine " + cosine(estimate, expected)
            + (centered ? ", centered" : ", one-sided"));
        if (!centered) {
          continue;
        }
        // the prediction is the largest readout score, not the largest output unit
        int[] predicted = ep.predict(xt);
        try (Tensor free = backend.zeros(4, 4)) {
          double[][][] s = ref.zeroState(4);
          ref.relax(x, s, 400, 0.5, 0, null);
          backend.upload(ReferenceHopfield.toFloat(s[1]), free);
          int[] expectedClasses = new int[4];
          backend.argmaxRows(readout.scores(free), expectedClasses);
          assertArrayEquals(expectedClasses, predicted);
        }
      }
    }
    String both = "one-sided " + errors[0] + ", centered " + errors[1];
    assertTrue(errors[0] < 0.03, both);
    assertTrue(errors[1] < errors[0] / 3, "centered nudging is closer: " + both);
    // contrastive Hebbian learning holds the output at the target: it cannot train through a readout
    try (ComposedEnergy net = LayeredHopfield.of(backend, sizes, ref.floatWeights(), ref.floatBiases())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EquilibriumPropagation(net,
          new GradientDynamics(backend, net.stateSizes(), 0.5f), readout, new Sgd(backend, new float[] {0.1f, 0.1f, 0.1f}),
          new EpSettings(20, 4, 1f, false, false, 20, false, true), 4, new SplittableRandom(1)));
      assertEquals("learner chl holds the output layer at the target, but cost softmax-readout reads the output "
          + "layer through parameters of its own: use learner ep", e.getMessage());
    }
  }

  /** A central difference of {@code loss} in {@code v[i]}. */
  private static double difference(double[] v, int i, double h, java.util.function.DoubleSupplier loss) {
    double keep = v[i];
    v[i] = keep + h;
    double plus = loss.getAsDouble();
    v[i] = keep - h;
    double minus = loss.getAsDouble();
    v[i] = keep;
    return (plus - minus) / (2 * h);
  }

  @Test
  public void oneTrainingStepMatchesTheDoubleReference() {
    int[] sizes = {30, 20, 15, 10};
    int batchSize = 6;
    ReferenceHopfield ref = ReferenceHopfield.random(sizes, 31, 0.4, 0.2);
    double[][] x = Fixtures.roundToFloat(Fixtures.uniform(random, batchSize, sizes[0], 0, 1));
    int[] labels = {1, 4, 9, 0, 4, 7};
    double[][] d = Fixtures.oneHot(labels, 10);
    double[] alphas = {0.4, 0.1, 0.01};
    double beta = 1.0;

    // the reference step, straight from the guide's formulas
    ReferenceHopfield expected = ref.copy();
    double[][][] s0 = ref.zeroState(batchSize);
    ref.relax(x, s0, 20, 0.5, 0, null);
    double[][][] sb = ReferenceHopfield.copyState(s0);
    ref.relax(x, sb, 4, 0.5, beta, d);
    List<double[]> g0 = ref.parameterGradient(x, s0);
    List<double[]> gb = ref.parameterGradient(x, sb);
    for (int k = 0; k < ref.layers(); k++) {
      double scale = alphas[k] / (beta * batchSize);
      double[] dw0 = g0.get(2 * k), dwb = gb.get(2 * k);
      for (int a = 0; a < sizes[k]; a++) {
        for (int j = 0; j < sizes[k + 1]; j++) {
          int i = a * sizes[k + 1] + j;
          expected.w[k][a][j] -= scale * (dwb[i] - dw0[i]);
        }
      }
      for (int j = 0; j < sizes[k + 1]; j++) {
        expected.b[k][j] -= scale * (gb.get(2 * k + 1)[j] - g0.get(2 * k + 1)[j]);
      }
    }

    EpSettings settings = new EpSettings(20, 4, (float) beta, false, false, 20);
    // plain SGD lets the learner add the contrast to the weights directly; hiding that takes the
    // path through gradients and Optimizer.step: both must give the reference's step (see StepPlan)
    for (boolean direct : new boolean[] {true, false}) {
      Sgd sgd = new Sgd(backend, new float[] {0.4f, 0.1f, 0.01f});
      checkTrainingStep(ref, expected, x, d, labels, s0, settings, direct ? sgd : new ThroughGradients(sgd));
    }
  }

  /** Plain SGD behind another type: the learner does not recognise it, so it takes the path through gradients. */
  private record ThroughGradients(Optimizer inner) implements Optimizer {
    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public void step(List<Parameter> parameters, List<Tensor> gradients) {
      inner.step(parameters, gradients);
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  @Test
  public void aDeferredReportIsTheReportOfItsOwnStep() {
    int[] sizes = {12, 9, 4};
    ReferenceHopfield ref = ReferenceHopfield.random(sizes, 17, 0.5, 0.2);
    int batchSize = 5;
    int steps = 4;
    double[][][] xs = new double[steps][][];
    int[][] labels = new int[steps][];
    for (int t = 0; t < steps; t++) {
      xs[t] = Fixtures.uniform(random, batchSize, sizes[0], 0, 1);
      labels[t] = new int[batchSize];
      for (int i = 0; i < batchSize; i++) {
        labels[t][i] = random.nextInt(sizes[2]);
      }
    }
    EpSettings settings = new EpSettings(12, 3, 1f, true, true, 12);
    int[] indices = {0, 1, 2, 3, 4};
    try (ComposedEnergy direct = LayeredHopfield.of(backend, sizes, ref.floatWeights(), ref.floatBiases());
        ComposedEnergy deferred = LayeredHopfield.of(backend, sizes, ref.floatWeights(), ref.floatBiases());
        Tensor x = backend.zeros(batchSize, sizes[0]);
        Tensor target = backend.zeros(batchSize, sizes[2]);
        EquilibriumPropagation now = learner(direct, settings);
        EquilibriumPropagation later = learner(deferred, settings)) {
      List<TrainStep> expected = new ArrayList<>();
      for (int t = 0; t < steps; t++) {
        upload(x, target, xs[t], labels[t]);
        expected.add(now.train(new Batch(x, target, labels[t].clone(), indices)));
      }
      // one batch's tensors and label array, overwritten for the next step before the report is read
      int[] reused = new int[batchSize];
      PendingStep pending = null;
      List<TrainStep> got = new ArrayList<>();
      for (int t = 0; t < steps; t++) {
        upload(x, target, xs[t], labels[t]);
        System.arraycopy(labels[t], 0, reused, 0, batchSize);
        PendingStep issued = later.trainLater(new Batch(x, target, reused, indices));
        if (pending != null) {
          got.add(pending.get());
        }
        pending = issued;
      }
      got.add(pending.get());
      assertEquals(expected, got, "reports read a step late");
      for (int k = 0; k < direct.parameters().size(); k++) {
        assertArrayEquals(backend.toHost(direct.parameters().get(k).value()),
            backend.toHost(deferred.parameters().get(k).value()), direct.parameters().get(k).name());
      }
    }
  }

  @Test
  public void aDeferredReportOfADivergedStepThrows() {
    int[] sizes = {4, 3, 2};
    ReferenceHopfield ref = ReferenceHopfield.random(sizes, 51, 0.5, 0.3);
    List<float[]> weights = ref.floatWeights();
    weights.get(1)[0] = Float.NaN;
    try (ComposedEnergy net = LayeredHopfield.of(backend, sizes, weights, ref.floatBiases());
        Tensor xt = Fixtures.tensor(backend, Fixtures.uniform(random, 2, sizes[0], 0, 1));
        Tensor target = Fixtures.tensor(backend, Fixtures.oneHot(new int[] {0, 1}, 2));
        EquilibriumPropagation ep = learner(net, new EpSettings(3, 2, 1f, false, false, 3))) {
      Batch batch = new Batch(xt, target, new int[] {0, 1}, new int[] {0, 1});
      DivergenceException e = assertThrows(DivergenceException.class, () -> ep.trainLater(batch).get());
      // read at once (no asynchronous reads), the report comes before the update and names W2; a
      // deferred one comes after it, which spreads the NaN to the weights before W2
      assertTrue(e.getMessage().matches("parameter W[12] holds NaN or Inf"), e.getMessage());
    }
  }

  private EquilibriumPropagation learner(Energy net, EpSettings settings) {
    return new EquilibriumPropagation(net, new GradientDynamics(backend, net.stateSizes(), 0.5f),
        new SquaredError(backend), new Sgd(backend, new float[] {0.2f, 0.05f}), settings, 5, new SplittableRandom(9));
  }

  private void upload(Tensor x, Tensor target, double[][] xs, int[] labels) {
    float[] flat = new float[x.rows() * x.cols()];
    for (int i = 0; i < x.rows(); i++) {
      for (int j = 0; j < x.cols(); j++) {
        flat[i * x.cols() + j] = (float) xs[i][j];
      }
    }
    backend.upload(flat, x);
    float[] hot = new float[target.rows() * target.cols()];
    for (int i = 0; i < labels.length; i++) {
      hot[i * target.cols() + labels[i]] = 1f;
    }
    backend.upload(hot, target);
  }

  private void checkTrainingStep(ReferenceHopfield ref, ReferenceHopfield expected, double[][] x, double[][] d,
      int[] labels, double[][][] s0, EpSettings settings, Optimizer optimizer) {
    int[] sizes = ref.sizes;
    int batchSize = x.length;
    String path = optimizer instanceof ThroughGradients ? " (through gradients)" : " (contrast added directly)";
    try (ComposedEnergy net = LayeredHopfield.of(backend, sizes, ref.floatWeights(), ref.floatBiases());
        Tensor xt = Fixtures.tensor(backend, x);
        Tensor target = Fixtures.tensor(backend, d);
        EquilibriumPropagation ep = new EquilibriumPropagation(net,
            new GradientDynamics(backend, net.stateSizes(), 0.5f), new SquaredError(backend),
            optimizer, settings, batchSize, new SplittableRandom(1))) {
      TrainStep step = ep.train(new Batch(xt, target, labels, new int[] {0, 1, 2, 3, 4, 5}));
      double refEnergy = 0;
      for (double e : ref.energy(x, s0)) {
        refEnergy += e;
      }
      assertEquals(refEnergy, step.energy(), 1e-4 * Math.abs(refEnergy), "energy at the free fixed point");
      int refErrors = 0;
      for (int i = 0; i < batchSize; i++) {
        double[] y = s0[ref.layers() - 1][i];
        int best = 0;
        for (int j = 1; j < y.length; j++) {
          if (y[j] > y[best]) best = j;
        }
        if (best != labels[i]) refErrors++;
      }
      assertEquals(refErrors, step.errors(), "errors counted at the free fixed point");
      for (int k = 0; k < ref.layers(); k++) {
        assertTrue(Fixtures.maxAbsDiff(backend, net.parameters().get(2 * k).value(), expected.w[k]) < 2e-6, "W" + (k + 1) + path);
        assertTrue(Fixtures.maxAbsDiff(backend, net.parameters().get(2 * k + 1).value(), expected.b[k]) < 2e-6, "b" + (k + 1) + path);
      }
    }
  }

  @Test
  public void contrastiveHebbianStepMatchesTheReference() {
    int[] sizes = {10, 7, 5, 3};
    ReferenceHopfield ref = ReferenceHopfield.random(sizes, 23, 0.5, 0.3);
    double[][] x = Fixtures.roundToFloat(Fixtures.uniform(random, 4, sizes[0], 0, 1));
    int[] labels = {2, 0, 1, 2};
    double[][] d = Fixtures.oneHot(labels, 3);
    double[] alphas = {0.3, 0.1, 0.05};
    ReferenceHopfield expected = ref.copy();
    double[][][] s0 = ref.zeroState(4);
    ref.relax(x, s0, 20, 0.5, 0, null);
    double[][][] sc = ReferenceHopfield.copyState(s0);
    int out = ref.layers() - 1;
    sc[out] = ReferenceHopfield.deepCopy(d);
    for (int t = 0; t < 6; t++) {
      ref.relax(x, sc, 1, 0.5, 0, null);
      sc[out] = ReferenceHopfield.deepCopy(d);
    }
    List<double[]> g0 = ref.parameterGradient(x, s0);
    List<double[]> gc = ref.parameterGradient(x, sc);
    for (int k = 0; k < ref.layers(); k++) {
      double scale = alphas[k] / 4;
      for (int a = 0; a < sizes[k]; a++) {
        for (int j = 0; j < sizes[k + 1]; j++) {
          int i = a * sizes[k + 1] + j;
          expected.w[k][a][j] -= scale * (gc.get(2 * k)[i] - g0.get(2 * k)[i]);
        }
      }
      for (int j = 0; j < sizes[k + 1]; j++) {
        expected.b[k][j] -= scale * (gc.get(2 * k + 1)[j] - g0.get(2 * k + 1)[j]);
      }
    }
    EpSettings settings = new EpSettings(20, 6, 1f, true, false, 20, true, true);
    try (ComposedEnergy net = LayeredHopfield.of(backend, sizes, ref.floatWeights(), ref.floatBiases());
        Tensor xt = Fixtures.tensor(backend, x);
        Tensor target = Fixtures.tensor(backend, d);
        EquilibriumPropagation chl = new EquilibriumPropagation(net,
            new GradientDynamics(backend, net.stateSizes(), 0.5f), new SquaredError(backend),
            new Sgd(backend, new float[] {0.3f, 0.1f, 0.05f}), settings, 4, new SplittableRandom(1))) {
      assertEquals("chl", chl.name());
      chl.train(new Batch(xt, target, labels, new int[] {0, 1, 2, 3}));
      for (int k = 0; k < ref.layers(); k++) {
        assertTrue(Fixtures.maxAbsDiff(backend, net.parameters().get(2 * k).value(), expected.w[k]) < 2e-6, "W" + (k + 1));
        assertTrue(Fixtures.maxAbsDiff(backend, net.parameters().get(2 * k + 1).value(), expected.b[k]) < 2e-6, "b" + (k + 1));
      }
    }
  }

  @Test
  public void persistentParticlesCarryTheFreeFixedPointToTheNextVisit() {
    int[] sizes = {8, 6, 3};
    ReferenceHopfield ref = ReferenceHopfield.random(sizes, 41, 0.5, 0.3);
    double[][] x = Fixtures.roundToFloat(Fixtures.uniform(random, 2, sizes[0], 0, 1));
    int[] labels = {2, 0};
    double[][] d = Fixtures.oneHot(labels, 3);
    EpSettings settings = new EpSettings(3, 2, 1f, false, true, 3);
    try (ComposedEnergy net = LayeredHopfield.of(backend, sizes, ref.floatWeights(), ref.floatBiases());
        Tensor xt = Fixtures.tensor(backend, x);
        Tensor target = Fixtures.tensor(backend, d);
        EquilibriumPropagation ep = new EquilibriumPropagation(net,
            new GradientDynamics(backend, net.stateSizes(), 0.5f), new SquaredError(backend),
            new Sgd(backend, new float[] {1e-9f, 1e-9f}), settings, 10, new SplittableRandom(1))) {
      // examples 7 and 3 of a set of 10; tiny rates so the weights barely move
      ep.train(new Batch(xt, target, labels, new int[] {7, 3}));
      double[][][] s = ref.zeroState(2);
      ref.relax(x, s, 3, 0.5, 0, null);
      float[] particles = backend.toHost(ep.particles().layer(0));
      for (int j = 0; j < 6; j++) {
        assertEquals(s[0][0][j], particles[7 * 6 + j], 1e-5);
        assertEquals(s[0][1][j], particles[3 * 6 + j], 1e-5);
        assertEquals(0f, particles[0 * 6 + j]);
      }
      ep.train(new Batch(xt, target, labels, new int[] {7, 3}));
      ref.relax(x, s, 3, 0.5, 0, null); // the second visit continues from the stored state
      particles = backend.toHost(ep.particles().layer(1));
      for (int j = 0; j < 3; j++) {
        assertEquals(s[1][0][j], particles[7 * 3 + j], 1e-5);
        assertEquals(s[1][1][j], particles[3 * 3 + j], 1e-5);
      }
    }
  }

  @Test
  public void aNonFiniteStateIsReportedAsDivergence() {
    int[] sizes = {4, 3, 2};
    ReferenceHopfield ref = ReferenceHopfield.random(sizes, 51, 0.5, 0.3);
    List<float[]> weights = ref.floatWeights();
    weights.get(1)[0] = Float.NaN;
    double[][] x = Fixtures.uniform(random, 2, sizes[0], 0, 1);
    try (ComposedEnergy net = LayeredHopfield.of(backend, sizes, weights, ref.floatBiases());
        Tensor xt = Fixtures.tensor(backend, x);
        Tensor target = Fixtures.tensor(backend, Fixtures.oneHot(new int[] {0, 1}, 2));
        EquilibriumPropagation ep = new EquilibriumPropagation(net,
            new GradientDynamics(backend, net.stateSizes(), 0.5f), new SquaredError(backend),
            new Sgd(backend, new float[] {0.1f, 0.1f}), new EpSettings(3, 2, 1f, false, false, 3), 2,
            new SplittableRandom(1))) {
      DivergenceException e = assertThrows(DivergenceException.class,
          () -> ep.train(new Batch(xt, target, new int[] {0, 1}, new int[] {0, 1})));
      assertEquals("parameter W2 holds NaN or Inf", e.getMessage());
    }
  }
}
