/**
 * Optimizers, each with one learning rate per parameter group and a learning-rate scale for
 * schedules: SGD with optional momentum and decoupled weight decay ({@code sgd}), and Adam with
 * decoupled weight decay ({@code adam}).
 */
package org.eqprop.models.optim;
