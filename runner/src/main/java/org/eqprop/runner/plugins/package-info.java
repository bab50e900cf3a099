/**
 * Plug-in jars given with {@code --plugins}: a class loader over them, and error messages that name
 * the jar and the provider when one fails to load.
 */
package org.eqprop.runner.plugins;
