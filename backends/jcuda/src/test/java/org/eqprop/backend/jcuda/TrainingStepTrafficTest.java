package org.eqprop.backend.jcuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.eqprop.api.Batch;
import org.eqprop.api.PendingStep;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.cost.SquaredError;
import org.eqprop.models.dynamics.GradientDynamics;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.hopfield.LayeredHopfield;
import org.eqprop.models.learning.EpSettings;
import org.eqprop.models.learning.EquilibriumPropagation;
import org.eqprop.models.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What one EP training step of a one-hidden-layer network asks of the device, in order: on a GPU
 * each launch costs host time and each read waits for the device, so this is the step's cost
 * model. Only the free energy and the predicted classes come back to the host; a deferred step
 * ({@code trainLater}) only starts their copies.
 */
@ExtendWith(EmulatedProvider.class)
class TrainingStepTrafficTest {

  /** One-hidden-layer training as the trainer runs it, on a device that records its calls. */
  private static List<String> secondStep(boolean deferred) {
    RecordingDevice device = new RecordingDevice(new EmulatedDevice());
    int[] sizes = {12, 9, 3};
    try (JcudaBackend backend = new JcudaBackend(device, JcudaRelaxation.Mode.AUTO);
        ComposedEnergy net = LayeredHopfield.glorot(backend, sizes, new SplittableRandom(3));
        Tensor x = backend.fromHost(new float[4 * 12], 4, 12);
        Tensor target = backend.fromHost(new float[4 * 3], 4, 3);
        EquilibriumPropagation ep = new EquilibriumPropagation(net,
            new GradientDynamics(backend, net.stateSizes(), 0.5f), new SquaredError(backend),
            new Sgd(backend, new float[] {0.1f, 0.05f}), new EpSettings(20, 4, 1f, true, false, 20), 4,
            new SplittableRandom(1))) {
      Batch batch = new Batch(x, target, new int[] {0, 1, 2, 0}, new int[] {0, 1, 2, 3});
      ep.train(batch);
      device.calls.clear();
      if (deferred) {
        PendingStep step = ep.trainLater(batch);
        device.calls.add("issued");
        step.get();
      } else {
        ep.train(batch);
      }
      return List.copyOf(device.calls);
    }
  }

  @Test
  void aStepLaunchesFourKernelsAndReadsBackTheEnergyAndTheClasses() {
    assertEquals(List.of(
            "eq_unary", "eq_gemm",                      // ρ(x), the input drive
            "eq_chain_phases",                          // both phases, the free point's energy and classes
            "read", "read",                             // the energy and the classes, reported
            "eq_contrast"),                             // the update: every weight and bias
        secondStep(false));
  }

  @Test
  void aDeferredStepWaitsForNothingUntilItsReportIsRead() {
    assertEquals(List.of(
            "eq_unary", "eq_gemm",
            "eq_chain_phases",
            "read later", "read later",                 // the energy and the classes, on their way
            "eq_contrast",
            "issued"),                                  // nothing more when the report is read
        secondStep(true));
  }
}
