package org.eqprop.api.spi;

import java.util.Map;
import org.eqprop.api.tensor.Backend;

/**
 * A backend plug-in, listed in {@code META-INF/services/org.eqprop.api.spi.BackendProvider}.
 *
 * <p>Instantiating a provider and calling {@link #name}, {@link #priority} and {@link #probe} must
 * be cheap: loading native libraries and initialising devices belongs in {@link #create}. The one
 * exception is a question only a driver can answer (is there a device, does it accept the
 * backend's kernels?): a probe first rules out machines without the driver by a check that loads
 * nothing, then asks the driver once per process and keeps the answer.
 */
public interface BackendProvider {

  /** The name users select this backend by ({@code --backend NAME}); lower case, unique. */
  String name();

  /** Higher wins when no backend is named: the available backend with the highest priority is used. */
  int priority();

  /** One line describing the backend for {@code eqprop backends}. */
  String description();

  /**
   * Whether this backend can run on this machine. Never throws: every failure (missing library,
   * no device, unsupported driver) becomes {@link Availability#unavailable} with the reason.
   */
  Availability probe();

  /**
   * Creates the backend, loading native code if needed.
   *
   * @param options backend-specific settings ({@code backend.options.*} in the run configuration);
   *     unknown keys are rejected with an {@link IllegalArgumentException}
   * @throws IllegalStateException if the backend cannot start here
   */
  Backend create(Map<String, String> options);

  /**
   * Whether this backend keeps its tensors on the Java heap (so a run's tensors count against the
   * JVM's memory limit, which the runner checks before it allocates them); false for native and
   * device memory, the default.
   */
  default boolean tensorsOnHeap() {
    return false;
  }
}
