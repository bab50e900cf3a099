package org.eqprop.backend.jcuda;

import java.util.Set;
import org.eqprop.models.chain.ChainContrast;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.models.optim.AdamUpdate;
import java.util.Map;

/** The kit on the emulated jcuda backend with the relaxation as one tiled launch per step. */
class EmulatedStepsConformanceTest extends EmulatedConformanceTest {
  @Override
  protected Map<String, String> options() {
    return Map.of("relaxation", "steps");
  }

  @Override
  protected Set<Class<?>> expectedExtensions() {
    return Set.of(ChainRelaxation.class, ChainContrast.class, AdamUpdate.class);
  }
}
