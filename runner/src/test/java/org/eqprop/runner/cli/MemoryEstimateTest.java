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
    // per thread and convolution: one example's patches (taps x output positions before pooling),
    // its output (channels x positions) and a weight gradient (channels x taps)
    long patches = (27L + 128) * 32 * 32 + 128L * 27 + (1152L + 256) * 16 * 16 + 256L * 1152
        + (2304L + 512) * 8 * 8 + 512L * 2304 + (4608L + 512) * 2 * 2 + 512L * 4608;
    assertEquals(patches, MemoryEstimate.convolutionWork(cifar.model()));
    RunConfig dense = loader.load("paper-1h", null, List.of(), Map.of());
    assertEquals(784L * 500 + 500 + 500L * 10 + 10, MemoryEstimate.parameters(dense.model()));
    assertEquals(0, MemoryEstimate.convolutionWork(dense.model()));
  }

  @Test
  void convolutionWorkIsKeptPerThreadOfTheBackendsThreadsOption() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals(cores, MemoryEstimate.workerThreads(new RunConfig.Backend("ejml", Map.of())));
    assertEquals(3, MemoryEstimate.workerThreads(new RunConfig.Backend("ejml", Map.of("threads", " 3"))));
    assertEquals(cores, MemoryEstimate.workerThreads(new RunConfig.Backend("ejml", Map.of("threads", "many"))));
  }
}
