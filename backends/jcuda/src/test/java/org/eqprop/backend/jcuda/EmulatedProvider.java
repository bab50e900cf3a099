package org.eqprop.backend.jcuda;

import java.util.Map;
import org.eqprop.api.spi.Availability;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The jcuda backend on an {@link EmulatedDevice}, for the kit; also the JUnit condition of the
 * emulated test classes. Where the emulator cannot be built (no {@code g++}) they run, and fail
 * with the reason, so that CI cannot pass without them; a developer without {@code g++} opts out
 * with the environment variable {@code EQPROP_EMULATOR=skip}, and they are then skipped with the
 * reason.
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
    // order-check=on: every launch also runs with the threads of each phase in reverse order (see EmulatedDevice)
    boolean orderCheck = "on".equals(options.getOrDefault("order-check", "off"));
    return new JcudaBackend(JcudaBackendProvider.withGraphs(new EmulatedDevice(orderCheck), graphs),
        JcudaBackendProvider.mode(options.getOrDefault("relaxation", "auto")), JcudaBackendProvider.onOff(options, "tf32"));
  }

  /** The environment variable by which a developer without {@code g++} skips the emulated tests. */
  static final String OPT_OUT = "EQPROP_EMULATOR";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return decide(EmulatedDevice.unavailable(), System.getenv(OPT_OUT));
  }

  /**
   * Runs the emulated tests where the emulator is built, and where it is not unless {@code optOut}
   * is {@code skip}.
   *
   * @param why why the emulator cannot run, or null
   * @param optOut the value of {@link #OPT_OUT}, or null
   */
  static ConditionEvaluationResult decide(String why, String optOut) {
    if (why == null) {
      return ConditionEvaluationResult.enabled("the kernel emulator is built");
    }
    return "skip".equals(optOut)
        ? ConditionEvaluationResult.disabled(why + " (skipped: " + OPT_OUT + "=skip)")
        : ConditionEvaluationResult.enabled(why + "; the tests fail (set " + OPT_OUT + "=skip to skip them)");
  }
}
