package org.eqprop.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.eqprop.api.tensor.Backend;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.models.optim.AdamUpdate;
import org.junit.jupiter.api.Test;

/** The provider's kernel choice: the tests' JVM has the Vector API, so the kit runs those kernels. */
class EjmlBackendProviderTest {
  private final EjmlBackendProvider provider = new EjmlBackendProvider();

  @Test
  void probeNamesTheVectorKernels() {
    String reason = provider.probe().reason();
    assertTrue(reason.contains("Vector API"), reason);
  }

  @Test
  void fusedKernelsAreOfferedUnlessTurnedOff() {
    try (Backend on = provider.create(Map.of("simd", "on"));
        Backend off = provider.create(Map.of("fused", "false"))) {
      assertTrue(on.extension(ChainRelaxation.class).isPresent());
      assertTrue(on.extension(AdamUpdate.class).isPresent());
      assertTrue(off.extension(ChainRelaxation.class).isEmpty());
      assertTrue(off.extension(AdamUpdate.class).isEmpty());
    }
  }
}
