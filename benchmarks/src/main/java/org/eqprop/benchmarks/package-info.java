/**
 * JMH microbenchmarks of the hot operations, per backend. Run them after {@code mvn package}:
 *
 * <pre>
 * java -cp "benchmarks/target/eqprop-benchmarks.jar:benchmarks/target/lib/*" org.openjdk.jmh.Main -f 1 -wi 3 -i 5
 * </pre>
 */
package org.eqprop.benchmarks;
