/**
 * Dense float32 tensors and the operations a backend provides on them.
 *
 * <p>Every tensor is a row-major matrix of {@code rows × cols} float32 values living wherever its
 * {@link org.eqprop.api.tensor.Backend} keeps it (Java heap, native memory, GPU). Vectors are
 * {@code 1 × n} matrices. Models, dynamics and learners are written against {@link
 * org.eqprop.api.tensor.Backend} only, so they run on every backend unchanged.
 */
package org.eqprop.api.tensor;
