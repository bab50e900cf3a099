/** Optimizers: per-layer SGD ({@code sgd}). */
package org.eqprop.models.optim;
