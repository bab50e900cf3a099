package org.eqprop.backend.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Energy;
import org.eqprop.api.State;
import org.eqprop.models.check.GradientChecker;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.models.chain.DenseChain;
import org.eqprop.models.compose.Bias;
import org.eqprop.models.compose.Dense;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.hopfield.LayeredHopfield;
import java.util.Map;
import org.eqprop.api.spi.BackendProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The paper's layered network on the backend under test: energies and every gradient against the
 * double-precision {@link ReferenceHopfield}, whose own gradients are checked against finite
 * differences; and every built-in interaction type against finite differences. The base of the
 * kit: it creates the backend for every test.
 */
public abstract class LayeredHopfieldChecks {
  private static final int[] SIZES = {7, 6, 5, 4};
  private static final int BATCH = 3;
  /** The backend under test, new for every test. */
  protected Backend backend;
  /** Random inputs, seeded per test. */
  protected Random random;

  /** The provider of the backend under test. */
  protected abstract BackendProvider provider();

  /** Options passed to {@link BackendProvider#create}; none by default. */
  protected Map<String, String> options() {
    return Map.of();
  }

  @BeforeEach
  void createBackend() {
    backend = provider().create(options());
    random = new Random(42);
  }

  @AfterEach
  void close() {
    backend.close();
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }

  @Test
  public void referenceStateGradientMatchesFiniteDifferencesOfF() {
    ReferenceHopfield ref = ReferenceHopfield.random(SIZES, 1, 0.5, 0.3);
    double[][] x = Fixtures.uniform(random, BATCH, SIZES[0], 0, 1);
    double[][] d = Fixtures.oneHot(new int[] {0, 3, 1}, SIZES[3]);
    double beta = 0.7;
    // states on both sides of [0, 1], where ρ' switches between 1 and 0
    double[][][] s = Fixtures.randomState(random, ref, BATCH, -0.3, 1.3);
    double[][][] g = ref.stateGradient(x, s, beta, d);
    double h = 1e-6;
    for (int k = 0; k < ref.layers(); k++) {
      for (int i = 0; i < BATCH; i++) {
        for (int j = 0; j < SIZES[k + 1]; j++) {
          double keep = s[k][i][j];
          s[k][i][j] = keep + h;
          double plus = sum(ref.energy(x, s)) + beta * sum(ref.cost(s, d));
          s[k][i][j] = keep - h;
          double minus = sum(ref.energy(x, s)) + beta * sum(ref.cost(s, d));
          s[k][i][j] = keep;
          assertEquals((plus - minus) / (2 * h), g[k][i][j], 1e-7, "dF/ds layer " + k);
        }
      }
    }
  }

  @Test
  public void referenceParameterGradientMatchesFiniteDifferencesOfE() {
    ReferenceHopfield ref = ReferenceHopfield.random(SIZES, 2, 0.5, 0.3);
    double[][] x = Fixtures.uniform(random, BATCH, SIZES[0], 0, 1);
    double[][][] s = Fixtures.randomState(random, ref, BATCH, -0.3, 1.3);
    List<double[]> grads = ref.parameterGradient(x, s);
    double h = 1e-6;
    for (int k = 0; k < ref.layers(); k++) {
      double[] gw = grads.get(2 * k);
      for (int a = 0; a < SIZES[k]; a++) {
        for (int j = 0; j < SIZES[k + 1]; j++) {
          double keep = ref.w[k][a][j];
          ref.w[k][a][j] = keep + h;
          double plus = sum(ref.energy(x, s));
          ref.w[k][a][j] = keep - h;
          double minus = sum(ref.energy(x, s));
          ref.w[k][a][j] = keep;
          assertEquals((plus - minus) / (2 * h), gw[a * SIZES[k + 1] + j], 1e-7, "dE/dW" + (k + 1));
        }
      }
      double[] gb = grads.get(2 * k + 1);
      for (int j = 0; j < SIZES[k + 1]; j++) {
        double keep = ref.b[k][j];
        ref.b[k][j] = keep + h;
        double plus = sum(ref.energy(x, s));
        ref.b[k][j] = keep - h;
        double minus = sum(ref.energy(x, s));
        ref.b[k][j] = keep;
        assertEquals((plus - minus) / (2 * h), gb[j], 1e-7, "dE/db" + (k + 1));
      }
    }
  }

  @Test
  public void float32EnergyAndGradientsMatchTheDoubleReference() {
    ReferenceHopfield ref = ReferenceHopfield.random(SIZES, 3, 0.5, 0.3);
    // round the reference's inputs to float32 so only the arithmetic differs
    for (double[][] w : ref.w) {
      Fixtures.roundToFloat(w);
    }
    for (double[] b : ref.b) {
      for (int j = 0; j < b.length; j++) {
        b[j] = (float) b[j];
      }
    }
    double[][] x = Fixtures.roundToFloat(Fixtures.uniform(random, BATCH, SIZES[0], 0, 1));
    double[][][] s = Fixtures.roundToFloat(Fixtures.randomState(random, ref, BATCH, -0.3, 1.3));
    double[][][] s2 = Fixtures.roundToFloat(Fixtures.randomState(random, ref, BATCH, 0, 1));

    try (ComposedEnergy net =
            LayeredHopfield.of(backend, SIZES, ref.floatWeights(), ref.floatBiases());
        Tensor xt = Fixtures.tensor(backend, x);
        State st = Fixtures.state(backend, s);
        State st2 = Fixtures.state(backend, s2);
        State grad = State.zeros(backend, BATCH, net.stateSizes());
        Tensor e = backend.zeros(BATCH, 1);
        ClampedEnergy clamped = net.clamp(xt)) {
      clamped.energy(st, e);
      double[] eRef = ref.energy(x, s);
      float[] eGot = backend.toHost(e);
      for (int i = 0; i < BATCH; i++) {
        assertEquals(eRef[i], eGot[i], 1e-5 * Math.max(1, Math.abs(eRef[i])), "energy of sample " + i);
      }

      clamped.stateGradient(st, grad);
      double[][][] gRef = ref.stateGradient(x, s, 0, null);
      for (int k = 0; k < ref.layers(); k++) {
        assertTrue(Fixtures.maxAbsDiff(backend, grad.layer(k), gRef[k]) < 1e-5, "dE/ds layer " + k);
      }

      List<Tensor> grads = zerosLike(net);
      clamped.accumulateParameterGradient(st, 0.5f, grads);
      List<double[]> pRef = ref.parameterGradient(x, s);
      for (int i = 0; i < grads.size(); i++) {
        double[] expected = pRef.get(i).clone();
        for (int j = 0; j < expected.length; j++) {
          expected[j] *= 0.5;
        }
        assertTrue(Fixtures.maxAbsDiff(backend, grads.get(i), expected) < 1e-5, "dE/dθ " + i);
      }

      List<Tensor> contrast = zerosLike(net);
      clamped.accumulateContrast(st, st2, 2f, contrast);
      List<double[]> pRef2 = ref.parameterGradient(x, s2);
      for (int i = 0; i < contrast.size(); i++) {
        double[] expected = new double[pRef.get(i).length];
        for (int j = 0; j < expected.length; j++) {
          expected[j] = 2 * (pRef.get(i)[j] - pRef2.get(i)[j]);
        }
        assertTrue(Fixtures.maxAbsDiff(backend, contrast.get(i), expected) < 1e-5, "contrast " + i);
      }
    }
  }

  /**
   * Every built-in interaction type, in every form it takes (dense from the input, between free
   * layers, skipping a layer, into the clamped input; bias), against finite differences of the
   * composed energy on this backend: state gradients, parameter gradients and contrasts, term by
   * term. Every network composed from them inherits the check.
   */
  @Test
  public void everyBuiltInInteractionMatchesFiniteDifferences() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    List<Layer> layers = LayeredHopfield.layers(new int[] {5, 4, 3, 3});
    List<Interaction> terms = new ArrayList<>();
    terms.add(Dense.glorot(backend, layers, 0, 1, "W1", 0, r));
    terms.add(Bias.zeros(backend, layers, 1, "b1", 0));
    terms.add(Dense.glorot(backend, layers, 1, 2, "W2", 1, r));
    terms.add(Dense.glorot(backend, layers, 0, 2, "V2", 1, r));
    terms.add(Dense.glorot(backend, layers, 2, 3, "W3", 2, r));
    terms.add(Dense.glorot(backend, layers, 1, 3, "V3", 2, r));
    terms.add(Dense.glorot(backend, layers, 3, 0, "U", 2, r));
    terms.add(Bias.zeros(backend, layers, 3, "b3", 2));
    for (Interaction t : terms) {
      for (org.eqprop.api.Parameter p : t.parameters()) {
        if (p.value().rows() == 1) {
          float[] b = new float[p.value().cols()];
          for (int j = 0; j < b.length; j++) {
            b[j] = (float) (r.nextDouble() - 0.5);
          }
          backend.upload(b, p.value());
        }
      }
    }
    try (ComposedEnergy net = new ComposedEnergy(backend, layers, terms)) {
      // small, so the emulated GPU backend runs it in seconds: every entry of every tensor is still compared
      GradientChecker.Report report = new GradientChecker(net, 3, 3, GradientChecker.DEFAULT_TOLERANCE, 20).check();
      assertTrue(report.ok(), "terms that do not match finite differences: " + report.failures());
      assertEquals(3 + 2 * net.parameters().size(), report.terms().size(), report.format());
    }
  }

  /**
   * The chain kernels take the paper's composition, in any order of its terms, and nothing else: a
   * skip connection, a missing bias or a second dense term between neighbours make it generic.
   */
  @Test
  public void theDenseChainIsThePapersCompositionAndNothingElse() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(2);
    List<Layer> layers = LayeredHopfield.layers(new int[] {5, 4, 3});
    try (ComposedEnergy paper = LayeredHopfield.glorot(backend, new int[] {5, 4, 3}, r)) {
      DenseChain chain = DenseChain.of(paper).orElseThrow();
      assertEquals(2, chain.depth());
      assertEquals(List.of(paper.parameters().get(2).value()), chain.weights());
      assertEquals(0, chain.weightIndex(1));
      assertEquals(3, chain.biasIndex(2));
    }
    // the same terms, biases first
    List<Interaction> reordered = new ArrayList<>(List.of(Bias.zeros(backend, layers, 2, "b2", 1),
        Bias.zeros(backend, layers, 1, "b1", 0), Dense.glorot(backend, layers, 1, 2, "W2", 1, r),
        Dense.glorot(backend, layers, 0, 1, "W1", 0, r)));
    try (ComposedEnergy net = new ComposedEnergy(backend, layers, reordered)) {
      DenseChain chain = DenseChain.of(net).orElseThrow();
      assertEquals(3, chain.weightIndex(1));
      assertEquals(1, chain.biasIndex(1));
      assertEquals(List.of(net.parameters().get(2).value()), chain.weights());
    }
    // a skip connection beside the chain; one in place of W2; two dense terms between layers 1 and 2
    // and no b2 (the last two have the chain's four terms)
    List<List<Interaction>> notChains = List.of(
        List.of(Dense.glorot(backend, layers, 0, 1, "W1", 0, r), Bias.zeros(backend, layers, 1, "b1", 0),
            Dense.glorot(backend, layers, 1, 2, "W2", 1, r), Bias.zeros(backend, layers, 2, "b2", 1),
            Dense.glorot(backend, layers, 0, 2, "V2", 1, r)),
        List.of(Dense.glorot(backend, layers, 0, 1, "W1", 0, r), Bias.zeros(backend, layers, 1, "b1", 0),
            Dense.glorot(backend, layers, 0, 2, "V2", 1, r), Bias.zeros(backend, layers, 2, "b2", 1)),
        List.of(Dense.glorot(backend, layers, 0, 1, "W1", 0, r), Bias.zeros(backend, layers, 1, "b1", 0),
            Dense.glorot(backend, layers, 1, 2, "W2", 1, r), Dense.glorot(backend, layers, 1, 2, "U2", 1, r)));
    for (List<Interaction> terms : notChains) {
      try (ComposedEnergy net = new ComposedEnergy(backend, layers, terms)) {
        assertTrue(DenseChain.of(net).isEmpty(), "not a chain: " + net.parameters().stream().map(p -> p.name()).toList());
      }
    }
  }

  @Test
  public void glorotInitialisationUsesTheGlorotRangeAndZeroBiases() {
    try (ComposedEnergy net = LayeredHopfield.glorot(backend, new int[] {784, 500, 10}, new java.util.SplittableRandom(1))) {
      float[] w1 = backend.toHost(net.parameters().get(0).value());
      double limit = Math.sqrt(6.0 / (784 + 500));
      double max = 0;
      for (float v : w1) {
        assertTrue(Math.abs(v) <= limit);
        max = Math.max(max, Math.abs(v));
      }
      assertTrue(max > 0.99 * limit, "weights should fill the range");
      for (float v : backend.toHost(net.parameters().get(1).value())) {
        assertEquals(0f, v);
      }
      assertEquals(List.of("W1", "b1", "W2", "b2"),
          net.parameters().stream().map(p -> p.name()).toList());
      assertEquals(2, net.parameterGroups());
    }
  }

  @Test
  public void rejectsBadShapes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> LayeredHopfield.glorot(backend, new int[] {784}, new java.util.SplittableRandom(1)));
    assertEquals("a layered network needs at least an input and an output layer, got [784]", e.getMessage());
    try (ComposedEnergy net = LayeredHopfield.glorot(backend, SIZES, new java.util.SplittableRandom(1));
        Tensor wrong = backend.zeros(2, 5)) {
      RuntimeException ex = assertThrows(RuntimeException.class, () -> net.clamp(wrong));
      assertEquals("clamp: expected 2x7 but got 2x5", ex.getMessage());
    }
  }

  private List<Tensor> zerosLike(Energy net) {
    List<Tensor> out = new ArrayList<>();
    net.parameters().forEach(p -> out.add(backend.zeros(p.value().rows(), p.value().cols())));
    return out;
  }
}
