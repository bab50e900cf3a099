/**
 * MNIST-format data: the IDX reader (raw or gzip) and data sets kept as bytes in memory, turned
 * into float minibatches on the way to the backend.
 */
package org.eqprop.runner.data;
