/** Reporting: the metrics plot of a run and the charts' common PNG writer. */
package org.eqprop.runner.report;
