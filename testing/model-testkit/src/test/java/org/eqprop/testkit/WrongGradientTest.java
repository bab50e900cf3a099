package org.eqprop.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Energy;
import org.eqprop.api.Parameter;
import org.eqprop.api.State;
import org.eqprop.models.check.GradientChecker;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.hopfield.LayeredHopfield;
import org.junit.jupiter.api.Test;

/** The checker catches deliberately wrong gradients and names exactly the wrong terms. */
class WrongGradientTest {

  /** The layered network with two bugs: layer 2's state gradient is doubled, W1's gradient has its sign flipped. */
  static final class Buggy implements Energy {
    final Energy inner;

    Buggy(Energy inner) {
      this.inner = inner;
    }

    @Override
    public Backend backend() {
      return inner.backend();
    }

    @Override
    public int[] layerSizes() {
      return inner.layerSizes();
    }

    @Override
    public List<Parameter> parameters() {
      return inner.parameters();
    }

    @Override
    public ClampedEnergy clamp(Tensor x) {
      ClampedEnergy c = inner.clamp(x);
      Backend b = inner.backend();
      return new ClampedEnergy() {
        @Override
        public int batchSize() {
          return c.batchSize();
        }

        @Override
        public void energy(State s, Tensor out) {
          c.energy(s, out);
        }

        @Override
        public void stateGradient(State s, State grad) {
          c.stateGradient(s, grad);
          b.scale(2f, grad.layer(1), grad.layer(1));
        }

        @Override
        public void accumulateParameterGradient(State s, float scale, List<Tensor> grads) {
          try (Tensor w1 = b.zeros(grads.get(0).rows(), grads.get(0).cols())) {
            b.copy(grads.get(0), w1);
            c.accumulateParameterGradient(s, scale, grads);
            // grads[0] = w1 - (grads[0] - w1): the W1 term with the wrong sign
            b.sub(grads.get(0), w1, grads.get(0));
            b.scale(-1f, grads.get(0), grads.get(0));
            b.axpy(1f, w1, grads.get(0));
          }
        }

        @Override
        public void close() {
          c.close();
        }
      };
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  @Test
  void theCheckerNamesEachWrongTermAndOnlyThose() {
    EnergyGradientTest kit = new EnergyGradientTest() {
      @Override
      protected Energy createEnergy(Backend backend, java.util.random.RandomGenerator random) {
        throw new UnsupportedOperationException();
      }
    };
    try (Backend backend = kit.createBackend();
        Energy buggy = new Buggy(LayeredHopfield.glorot(backend, new int[] {7, 6, 5, 4}, new SplittableRandom(3)))) {
      GradientChecker.Report report = new GradientChecker(buggy, 3, 1, GradientChecker.DEFAULT_TOLERANCE, 60).check();
      assertFalse(report.ok());
      List<String> wrong = report.failures().stream().map(GradientChecker.Term::name).toList();
      // the default contrast is built from the same (wrong) gradient, so it is consistent with it
      assertEquals(List.of("dE/ds layer 2", "dE/dW1"), wrong);
      assertTrue(report.format().contains("dE/ds layer 2"));
      assertTrue(report.failures().get(0).worst().startsWith("worst at ["), report.failures().get(0).worst());
    }
  }
}
