package org.eqprop.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.eqprop.api.Energy;
import org.eqprop.models.check.GradientChecker;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks a hand-written energy against finite differences, the same check as {@code eqprop
 * check-model}. Extend it, return a small instance of your model from {@link #createEnergy}, and
 * the three tests below run: state gradients, parameter gradients, and the contrast. A failure
 * names the wrong term and where it is most wrong.
 *
 * <pre>{@code
 * class MyEnergyTest extends EnergyGradientTest {
 *   protected Energy createEnergy(Backend backend, RandomGenerator random) {
 *     return MyEnergy.random(backend, new int[] {7, 6, 5, 4}, random);
 *   }
 * }
 * }</pre>
 */
public abstract class EnergyGradientTest {
  private Backend backend;
  private Energy energy;
  private GradientChecker.Report report;

  /** A small instance of the model under test, with random parameters from {@code random}. */
  protected abstract Energy createEnergy(Backend backend, RandomGenerator random);

  /** The backend the check runs on; by default the pure-Java {@code ejml} backend. */
  protected Backend createBackend() {
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.name().equals("ejml")) {
        return p.create(Map.of());
      }
    }
    throw new IllegalStateException("no ejml backend on the test class path (add org.eqprop:eqprop-backend-ejml)");
  }

  /** Samples in the random batch. */
  protected int batchSize() {
    return 3;
  }

  /** Relative tolerance of the comparison. */
  protected double tolerance() {
    return GradientChecker.DEFAULT_TOLERANCE;
  }

  @BeforeEach
  final void check() {
    backend = createBackend();
    energy = createEnergy(backend, new SplittableRandom(1));
    report = new GradientChecker(energy, batchSize(), 1, tolerance(), 60).check();
  }

  @AfterEach
  final void release() {
    energy.close();
    backend.close();
  }

  private void assertTerms(String prefix) {
    List<GradientChecker.Term> terms =
        report.terms().stream().filter(t -> t.name().startsWith(prefix)).toList();
    assertTrue(!terms.isEmpty(), "no terms named " + prefix + "*");
    List<GradientChecker.Term> wrong = terms.stream().filter(t -> !t.ok()).toList();
    if (!wrong.isEmpty()) {
      fail(wrong.stream()
          .map(t -> t.name() + " does not match finite differences: " + t.worst())
          .collect(Collectors.joining("; ")));
    }
  }

  /** {@code stateGradient} agrees with finite differences of {@code energy}, layer by layer. */
  @Test
  public void stateGradientsMatchFiniteDifferences() {
    assertTerms("dE/ds");
  }

  /** {@code accumulateParameterGradient} agrees with finite differences, parameter by parameter. */
  @Test
  public void parameterGradientsMatchFiniteDifferences() {
    assertTerms("dE/d");
  }

  /** {@code accumulateContrast(a, b)} equals the difference of the two parameter gradients. */
  @Test
  public void contrastIsTheDifferenceOfTwoGradients() {
    assertTerms("contrast ");
  }
}
