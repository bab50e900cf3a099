/**
 * Backend discovery through {@link java.util.ServiceLoader} and the one-time choice of a backend:
 * {@code --backend} flag, then the {@code eqprop.backend} system property, then the {@code
 * EQPROP_BACKEND} environment variable, then {@code backend.name} in the configuration, then the
 * highest-priority available backend.
 */
package org.eqprop.runner.backend;
