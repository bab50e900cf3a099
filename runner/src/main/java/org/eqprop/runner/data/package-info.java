/**
 * Data sets: MNIST's IDX files (raw or gzip) and CIFAR-10's binary batches, kept as bytes in
 * memory with their image shape, turned into float minibatches on the way to the backend (with
 * per-channel normalisation and seeded augmentation where the configuration asks for them).
 */
package org.eqprop.runner.data;
