package org.eqprop.backend.jcuda;

import java.util.Set;
import org.eqprop.models.chain.ChainContrast;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.models.optim.AdamUpdate;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole kit on the real GPU with {@code relaxation=steps} (one tiled launch of {@code
 * eq_chain_step} per relaxation step). Tagged {@code gpu}; skipped, with the probe's reason, where
 * the backend is unavailable.
 */
@Tag("gpu")
@ExtendWith(JcudaConformanceTest.RequiresGpu.class)
class JcudaStepsConformanceTest extends JcudaConformanceTest {
  @Override
  protected Map<String, String> options() {
    return Map.of("relaxation", "steps");
  }

  @Override
  protected Set<Class<?>> expectedExtensions() {
    return Set.of(ChainRelaxation.class, ChainContrast.class, AdamUpdate.class);
  }
}
