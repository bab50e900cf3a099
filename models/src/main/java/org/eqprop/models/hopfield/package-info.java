/**
 * The layered continuous Hopfield network of Scellier &amp; Bengio (2017), registered as the model
 * {@code layered-hopfield}.
 */
package org.eqprop.models.hopfield;
