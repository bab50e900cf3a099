package org.eqprop.backend.jcuda;

import java.util.Set;
import org.eqprop.models.chain.ChainContrast;
import org.eqprop.models.chain.ChainPhases;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.models.optim.AdamUpdate;
import org.eqprop.api.spi.Availability;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.backend.tck.BackendConformanceTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole kit on the real GPU. Tagged {@code gpu}; skipped, with the probe's reason, where the
 * backend is unavailable (CI has no GPU).
 */
@Tag("gpu")
@ExtendWith(JcudaConformanceTest.RequiresGpu.class)
class JcudaConformanceTest extends BackendConformanceTest {
  @Override
  protected BackendProvider provider() {
    return new JcudaBackendProvider();
  }

  /** Skips the class, with the reason, where {@code jcuda} cannot run. */
  static final class RequiresGpu implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      Availability a = new JcudaBackendProvider().probe();
      return a.available()
          ? ConditionEvaluationResult.enabled("jcuda runs on " + a.reason())
          : ConditionEvaluationResult.disabled("jcuda unavailable: " + a.reason());
    }
  }

  @Override
  protected Set<Class<?>> expectedExtensions() {
    return Set.of(ChainRelaxation.class, ChainPhases.class, ChainContrast.class, AdamUpdate.class);
  }
}
