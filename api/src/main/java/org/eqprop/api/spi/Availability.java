package org.eqprop.api.spi;

import java.util.Objects;

/**
 * Whether a backend can run here and, when it cannot, why.
 *
 * @param available true when {@link BackendProvider#create} is expected to succeed
 * @param reason why the backend is unavailable (for example {@code no CUDA driver (libcuda.so.1 not
 *     found)}); a short description when available
 */
public record Availability(boolean available, String reason) {

  /** Validates the reason. */
  public Availability {
    Objects.requireNonNull(reason, "reason");
  }

  /** The backend can run; {@code detail} says on what (e.g. {@code pure Java, 2 cores}). */
  public static Availability available(String detail) {
    return new Availability(true, detail);
  }

  /** The backend cannot run, for the given reason. */
  public static Availability unavailable(String reason) {
    return new Availability(false, reason);
  }
}
