package org.eqprop.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqprop.api.tensor.Backend;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The vector relaxation allocates nothing per step once C2 has compiled it. A Vector API call that
 * C2 does not turn into vector instructions (an intrinsic it gives up on, a method it stops
 * inlining at its node limit) boxes every vector instead, several times slower and hundreds of
 * megabytes a second of garbage, with the same results: only the allocation shows it. It runs in a
 * JVM of its own (the module's pom): after the kits have run the scalar lanes through the same call
 * sites, C2 now and then compiles them with boxed vectors, which a training run, one kind of lanes
 * per process, does not see.
 */
class RelaxationAllocationTest {

  @Test
  void aCompiledRelaxationStepAllocatesNothing() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    int batch = 37;
    int[] sizes = {40, 60, 10};
    SplittableRandom random = new SplittableRandom(5);
    // one thread: every kernel runs on this one, where the allocation is counted
    try (Backend backend = new EjmlBackendProvider().create(Map.of("threads", "1"));
        Tensor drive = tensor(backend, random, batch, sizes[1], -1, 1);
        Tensor w = tensor(backend, random, sizes[1], sizes[2], -0.3, 0.3);
        Tensor b1 = tensor(backend, random, 1, sizes[1], -0.1, 0.1);
        Tensor b2 = tensor(backend, random, 1, sizes[2], -0.1, 0.1);
        Tensor h = tensor(backend, random, batch, sizes[1], 0, 1);
        Tensor y = tensor(backend, random, batch, sizes[2], 0, 1);
        Tensor target = tensor(backend, random, batch, sizes[2], 0, 1)) {
      ChainRelaxation chain = backend.extension(ChainRelaxation.class).orElseThrow();
      List<Tensor> weights = List.of(w);
      List<Tensor> biases = List.of(b1, b2);
      List<Tensor> layers = List.of(h, y);
      double perStep = Double.NaN;
      // compiling takes C2 a while (longer on a busy machine): allow it 15 s for the allocation per
      // step to fall to nothing; boxed vectors cost kilobytes a step
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (System.nanoTime() < deadline) {
        long before = threads.getThreadAllocatedBytes(self);
        for (int i = 0; i < 100; i++) {
          chain.relax(drive, weights, biases, target, 0.5f, 0.5f, layers, 1);
        }
        long one = threads.getThreadAllocatedBytes(self) - before;
        before = threads.getThreadAllocatedBytes(self);
        for (int i = 0; i < 100; i++) {
          chain.relax(drive, weights, biases, target, 0.5f, 0.5f, layers, 21);
        }
        long many = threads.getThreadAllocatedBytes(self) - before;
        perStep = (many - one) / (100.0 * 20);
        if (perStep < 16) {
          break;
        }
      }
      assertTrue(perStep < 16, "a compiled relaxation step still allocates " + perStep + " bytes");
    }
  }

  private static Tensor tensor(Backend backend, SplittableRandom random, int rows, int cols, double from, double to) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextDouble(from, to);
    }
    return backend.fromHost(v, rows, cols);
  }
}
