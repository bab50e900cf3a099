/**
 * The pure-Java CPU backend, {@code ejml}: float32 {@link org.ejml.data.FMatrixRMaj} matrices.
 * Products run on eqprop's own Vector API kernel where the JVM has {@code jdk.incubator.vector},
 * otherwise (and for a transposed right operand) on EJML's {@code CommonOps_FDRM} and its {@code
 * _MT_} twins; it offers (through {@code Backend.extension}) the {@code ChainRelaxation} kernel,
 * the paper's relaxation fused, 16 samples at a time per thread, {@code ChainContrast}, its weight
 * and bias update in two hand-overs to the threads (with the Vector API kernel), and {@code
 * AdamUpdate}, Adam's update in one pass; element-wise
 * operations are plain loops over the row-major arrays.
 *
 * <p>Options ({@code backend.options.*}): {@code threads} — the most threads a kernel uses
 * (default: available processors; {@code 1} keeps everything on the caller); {@code mt-threshold} —
 * the smallest product, in multiply-adds {@code m·k·n}, split over the threads (default 4000000);
 * {@code simd} — {@code auto}, {@code on} or {@code off}; {@code fused} — {@code true} or {@code
 * false}, whether to offer the kernels.
 */
package org.eqprop.backend.ejml;
