/**
 * Apache Spark for eqprop: {@code eqprop sweep}, a sweep file's runs as Spark tasks ({@link
 * org.eqprop.spark.SweepCommand}, {@link org.eqprop.spark.SweepFile}, {@link org.eqprop.spark.Sweep}),
 * each trained as {@code eqprop train} trains it, with Spark's retries resuming from checkpoints.
 */
package org.eqprop.spark;
