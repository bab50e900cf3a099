package org.eqprop.backend.jcuda;

import java.util.Map;
import org.eqprop.api.spi.Availability;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The jcuda backend on an {@link EmulatedDevice}, for the kit; also the JUnit condition that skips
 * a test class, with the reason, where the emulator cannot be built.
 */
final class EmulatedProvider implements BackendProvider, ExecutionCondition {
  @Override
  public String name() {
    return JcudaBackend.NAME;
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public String description() {
    return "jcuda on the CPU kernel emulator";
  }

  @Override
  public Availability probe() {
    String why = EmulatedDevice.unavailable();
    return why == null ? Availability.available("emulated") : Availability.unavailable(why);
  }

  @Override
  public Backend create(Map<String, String> options) {
    boolean graphs = JcudaBackendProvider.onOff(options, "graphs");
    return new JcudaBackend(JcudaBackendProvider.withGraphs(new EmulatedDevice(), graphs),
        JcudaBackendProvider.mode(options.getOrDefault("relaxation", "auto")), JcudaBackendProvider.onOff(options, "tf32"));
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String why = EmulatedDevice.unavailable();
    return why == null
        ? ConditionEvaluationResult.enabled("the kernel emulator is built")
        : ConditionEvaluationResult.disabled(why);
  }
}
