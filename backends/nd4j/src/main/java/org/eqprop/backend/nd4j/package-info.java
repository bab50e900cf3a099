/**
 * The native CPU backend, {@code nd4j}: ND4J 1.0.0-M2.1 ({@code nd4j-native}, OpenBLAS), with
 * the linux-x86_64 natives only.
 *
 * <p>Options ({@code backend.options.*}): {@code threads} — the most threads ND4J's native code
 * uses (its OpenMP pool and master threads; default: available processors). ND4J also reads the
 * environment variable {@code OMP_NUM_THREADS} when its native library loads; set one or the
 * other, not both differently, and keep threads × concurrent runs ≤ cores: oversubscribed OpenMP
 * threads are ND4J's best-known slowdown.
 */
package org.eqprop.backend.nd4j;
