/**
 * The native CPU backend, {@code nd4j}: ND4J 1.0.0-M2.1 ({@code nd4j-native}, OpenBLAS), with
 * the linux-x86_64 natives built with oneDNN only. Products, copies and axpys call the OpenBLAS
 * that ND4J ships directly, large products libnd4j's oneDNN matmul on every core ({@link
 * org.eqprop.backend.nd4j.Products}); element-wise work runs through ND4J's native ops; convolutions through
 * libnd4j's (oneDNN) convolution ops ({@link org.eqprop.backend.nd4j.Nd4jConvolution}); the
 * paper's relaxation is the {@code ChainRelaxation} kernel it offers
 * ({@link org.eqprop.backend.nd4j.Nd4jChainRelaxation}).
 *
 * <p>Options ({@code backend.options.*}): {@code threads} — the parts a batch of at least 64 is
 * relaxed in, each on a thread of its own, and the OpenMP threads of the large products (default:
 * available processors); {@code blas-threads} — OpenBLAS's threads for the products outside the
 * relaxation that cblas multiplies (default 1); {@code products} — {@code auto} (default), {@code
 * openblas} or {@code onednn}: what multiplies ({@link org.eqprop.backend.nd4j.Products}). Outside
 * the convolutions and the oneDNN products ND4J's own OpenMP ops run on one thread (on this code's small arrays their dispatch
 * costs more than their work, and an OpenMP pool spinning beside OpenBLAS's threads on the same
 * cores made every call several times slower: docs/benchmarks.md, "ND4J") and its oneDNN helpers
 * are off (those ops were measured without them).
 */
package org.eqprop.backend.nd4j;
