/**
 * The dense layered chain's fast path: the kernels a backend may offer for it ({@link
 * org.eqprop.models.chain.ChainRelaxation}, {@link org.eqprop.models.chain.ChainPhases}, {@link
 * org.eqprop.models.chain.ChainContrast}, through {@link
 * org.eqprop.api.tensor.Backend#extension}), and {@link org.eqprop.models.chain.DenseChain}, which
 * recognises the compositions they compute. The interfaces live here, with the code that calls
 * them, not in the api.
 */
package org.eqprop.models.chain;
