/** Dynamics that relax a state: the paper's synchronous projected gradient steps ({@code gradient}). */
package org.eqprop.models.dynamics;
