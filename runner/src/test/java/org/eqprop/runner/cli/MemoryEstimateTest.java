package org.eqprop.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import org.junit.jupiter.api.Test;

/** The estimate counts a declared network's convolutions by their kernels, not as dense layers. */
class MemoryEstimateTest {
  private final ConfigLoader loader = new ConfigLoader();

  @Test
  void convolutionsCountTheirKernelsAndPerChannelBiasesTheirChannels() {
    RunConfig cifar = loader.load("conv-cifar10", null, List.of(), Map.of());
    long kernels = 128L * 3 * 9 + 256L * 128 * 9 + 512L * 256 * 9 + 512L * 512 * 9;
    assertEquals(kernels + 128 + 256 + 512 + 512, MemoryEstimate.parameters(cifar.model()));
    // the unrolled patches of each convolution: taps x output positions before pooling
    long patches = 27L * 32 * 32 + 1152L * 16 * 16 + 2304L * 8 * 8 + 4608L * 2 * 2;
    assertEquals(patches, MemoryEstimate.convolutionPatches(cifar.model()));
    RunConfig dense = loader.load("paper-1h", null, List.of(), Map.of());
    assertEquals(784L * 500 + 500 + 500L * 10 + 10, MemoryEstimate.parameters(dense.model()));
    assertEquals(0, MemoryEstimate.convolutionPatches(dense.model()));
  }
}
