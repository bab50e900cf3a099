/**
 * The {@code eqprop} command line: {@link org.eqprop.runner.Main} and the error-to-exit-code
 * mapping. Configuration, backend discovery, data, wiring and training live in the sub-packages.
 */
package org.eqprop.runner;
