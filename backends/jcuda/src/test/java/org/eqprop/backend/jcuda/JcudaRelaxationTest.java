package org.eqprop.backend.jcuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.backend.tck.Fixtures;
import org.eqprop.backend.tck.ReferenceChain;
import org.eqprop.backend.tck.ReferenceHopfield;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The relaxation's two ways on the emulated backend, on layers wide enough that the fused kernel
 * sums in several chunks, loops over more work items than a block has threads, and (for the widest)
 * takes chunks beyond the smallest to fit shared memory; and the choice between the two ways.
 */
@ExtendWith(EmulatedProvider.class)
class JcudaRelaxationTest {
  private final Random random = new Random(7);

  private double relaxAgainstReference(JcudaRelaxation.Mode mode, int[] sizes, int batch) {
    // every launch also run with the threads of each phase in reverse order: a race between them fails
    return relaxAgainstReference(new EmulatedDevice(true), mode, sizes, batch);
  }

  private double relaxAgainstReference(Device device, JcudaRelaxation.Mode mode, int[] sizes, int batch) {
    // weights of about the size Glorot's rule gives, so that float sums stay near the double ones
    ReferenceHopfield ref = ReferenceHopfield.random(sizes, 3, 2 / Math.sqrt(sizes[1]), 0.3);
    double[][] x = Fixtures.uniform(random, batch, sizes[0], 0, 1);
    double[][] d = Fixtures.randomOneHot(random, batch, sizes[sizes.length - 1]);
    double[][][] expected = Fixtures.roundToFloat(Fixtures.randomState(random, ref, batch, -0.2, 1.2));
    try (JcudaBackend backend = new JcudaBackend(device, mode)) {
      State s = Fixtures.state(backend, expected);
      ref.relax(x, expected, 6, 0.5, 0, d);
      ref.relax(x, expected, 3, 0.5, 0.5, d);
      ReferenceChain chain = ReferenceChain.of(backend, ref, x);
      Tensor target = Fixtures.tensor(backend, d);
      chain.relax(backend.extension(org.eqprop.models.chain.ChainRelaxation.class).orElseThrow(), null, 0f, 0.5f, s.layers(), 6);
      chain.relax(backend.extension(org.eqprop.models.chain.ChainRelaxation.class).orElseThrow(), target, 0.5f, 0.5f, s.layers(), 3);
      double worst = 0;
      for (int k = 0; k < s.size(); k++) {
        worst = Math.max(worst, Fixtures.maxAbsDiff(backend, s.layer(k), expected[k]));
      }
      return worst;
    }
  }

  @Test
  void wideLayersMatchTheReferenceBothWays() {
    for (int[] sizes : new int[][] {{30, 300, 10}, {20, 200, 150, 10}}) {
      for (JcudaRelaxation.Mode mode : JcudaRelaxation.Mode.values()) {
        double diff = relaxAgainstReference(mode, sizes, 3);
        assertTrue(diff < 1e-5, Arrays.toString(sizes) + " " + mode + " differs by " + diff);
      }
    }
  }

  @Test
  void theStepKernelCoversBatchesAndLayersOfSeveralTiles() {
    // 70 samples: two tiles of rows; 130 and 70 units: three and two tiles of columns, the last partial
    double diff = relaxAgainstReference(JcudaRelaxation.Mode.STEPS, new int[] {30, 130, 70, 10}, 70);
    assertTrue(diff < 1e-5, "differs by " + diff);
  }

  @Test
  void autoTakesTheStepKernelWhereManyWeightsLieBetweenFreeLayers() {
    // 300 x 300 weights between the free layers: more than the per-sample kernel is given
    RecordingDevice device = new RecordingDevice(new EmulatedDevice());
    double diff = relaxAgainstReference(device, JcudaRelaxation.Mode.AUTO, new int[] {4, 300, 300, 3}, 2);
    assertTrue(diff < 1e-5, "differs by " + diff);
    // 6 free steps, then 3 nudged steps and the state copied back from the second buffer
    assertEquals(9, device.calls.stream().filter("eq_chain_step"::equals).count(), device.calls.toString());
    assertEquals(3, device.calls.stream().filter("copy"::equals).count(), device.calls.toString());
    assertTrue(device.calls.stream().noneMatch("eq_chain_relax"::equals), device.calls.toString());

    RecordingDevice few = new RecordingDevice(new EmulatedDevice());
    relaxAgainstReference(few, JcudaRelaxation.Mode.AUTO, new int[] {4, 300, 10}, 2);
    assertEquals(2, few.calls.stream().filter("eq_chain_relax"::equals).count(), few.calls.toString());
  }

  @Test
  void theStepKernelRefusesChainsDeeperThanItTakes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> relaxAgainstReference(JcudaRelaxation.Mode.STEPS, new int[] {3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, 1));
    assertEquals("chain-relaxation: 10 free layers are more than the step kernel's 8", e.getMessage());
  }

  @Test
  void layersTooWideForSmallChunksTakeLargerOnes() {
    // 2 x 4010 state floats fit 48 KiB only with one chunk per unit (chunks of 2048 terms)
    double diff = relaxAgainstReference(JcudaRelaxation.Mode.KERNEL, new int[] {8, 2000, 2000, 10}, 1);
    assertTrue(diff < 1e-5, "differs by " + diff);
  }

  @Test
  void theKernelRefusesLayersBeyondSharedMemoryAndAutoFallsBack() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> relaxAgainstReference(JcudaRelaxation.Mode.KERNEL, new int[] {4, 7000, 3}, 1));
    assertEquals("chain-relaxation: layers [7000, 3] do not fit the fused kernel (at most 8 free layers,"
        + " state and partial sums within 49152 bytes of shared memory a block)", e.getMessage());
    double diff = relaxAgainstReference(JcudaRelaxation.Mode.AUTO, new int[] {4, 7000, 3}, 1);
    assertTrue(diff < 1e-5, "differs by " + diff);
  }

  @Test
  void theEnergyOfChainsDeeperThanTheKernelTakesComesFromTheCoreOperations() {
    int[] sizes = {5, 6, 4, 7, 3, 5, 4, 6, 3, 4, 2};
    int batch = 3;
    ReferenceHopfield ref = ReferenceHopfield.random(sizes, 11, 0.6, 0.3);
    double[][] x = Fixtures.uniform(random, batch, sizes[0], 0, 1);
    double[][][] states = Fixtures.roundToFloat(Fixtures.randomState(random, ref, batch, -0.2, 1.2));
    double[] expected = ref.energy(x, states);
    try (JcudaBackend backend = new JcudaBackend(new EmulatedDevice(), JcudaRelaxation.Mode.AUTO)) {
      State s = Fixtures.state(backend, states);
      ReferenceChain chain = ReferenceChain.of(backend, ref, x);
      Tensor out = backend.zeros(batch, 1);
      backend.extension(org.eqprop.models.chain.ChainRelaxation.class).orElseThrow().energy(chain.drive(), chain.weights(), chain.biases(), s.layers(), out);
      float[] got = backend.toHost(out);
      for (int i = 0; i < batch; i++) {
        assertEquals(expected[i], got[i], 1e-5 * (1 + Math.abs(expected[i])), "sample " + i);
      }
    }
  }
}
