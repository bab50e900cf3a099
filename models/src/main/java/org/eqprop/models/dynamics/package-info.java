/**
 * Dynamics that relax a state: the paper's synchronous projected gradient steps ({@code gradient},
 * handed to a backend's fused kernel where it offers one) and the asynchronous fixed-point
 * minimiser ({@code fixed-point}); both can stop on convergence.
 */
package org.eqprop.models.dynamics;
