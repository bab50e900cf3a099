/**
 * The backend conformance kit. A backend module adds one test class:
 *
 * <pre>{@code
 * class MyBackendConformanceTest extends BackendConformanceTest {
 *   protected BackendProvider provider() { return new MyBackendProvider(); }
 * }
 * }</pre>
 *
 * and runs every check: each tensor operation against a plain double-precision reference (counted,
 * so that no operation of {@link org.eqprop.api.tensor.Backend} goes untested), the paper's network
 * and its gradients against {@link org.eqprop.backend.tck.ReferenceHopfield}, the dynamics
 * lowering the energy, and full EP training steps.
 */
package org.eqprop.backend.tck;
