package org.eqprop.api.tensor;

/**
 * A copy of a tensor's values on its way to the host, from {@link Backend#readLater}: the values
 * the tensor held when the read was issued, whatever runs on the backend after it.
 */
@FunctionalInterface
public interface HostRead {

  /** The values, row-major; waits for the copy where it has not arrived yet. */
  float[] get();
}
