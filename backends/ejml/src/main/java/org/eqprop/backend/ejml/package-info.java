/**
 * The pure-Java CPU backend, {@code ejml}: float32 {@link org.ejml.data.FMatrixRMaj} matrices,
 * products through EJML's {@code CommonOps_FDRM} (and the {@code _MT_} twins for large products),
 * element-wise operations as plain loops over the row-major arrays.
 *
 * <p>Options ({@code backend.options.*}): {@code threads} — the most threads EJML's multi-threaded
 * products use (default: available processors; {@code 1} turns them off); {@code mt-threshold} —
 * the smallest product, in multiply-adds {@code m·k·n}, that goes to the multi-threaded kernels
 * (default 4000000).
 */
package org.eqprop.backend.ejml;
