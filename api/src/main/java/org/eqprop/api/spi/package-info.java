/**
 * Service-provider interfaces: how backends, models and interaction types plug in.
 *
 * <p>Implementations are listed in {@code META-INF/services/<interface name>} and discovered with
 * {@link java.util.ServiceLoader}. Registering costs nothing: a {@link
 * org.eqprop.api.spi.BackendProvider} loads native code only in {@code create}, and its {@code
 * probe} never throws. None of these types mention a dependency-injection framework; the runner
 * does the wiring.
 */
package org.eqprop.api.spi;
