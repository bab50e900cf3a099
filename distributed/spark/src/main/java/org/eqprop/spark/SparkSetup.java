package org.eqprop.spark;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.eqprop.runner.EqpropException;

/** The Spark settings eqprop's sweeps and data-parallel runs share. */
final class SparkSetup {
  private static final Pattern LOCAL = Pattern.compile("local\\[(\\*|\\d+)]");

  private SparkSetup() {}

  /**
   * Spark's settings: {@code local[N]} becomes {@code local[N,attempts]} (local mode retries only
   * so), a cluster gets {@code spark.task.maxFailures} and, since executors load eqprop from the
   * same path as the driver, this JVM's class path and the Vector API module; then {@code settings}
   * ({@code KEY=VALUE}) over them.
   */
  static SparkConf conf(String appName, String master, int attempts, List<String> settings) {
    SparkConf c = new SparkConf().setAppName(appName).set("spark.ui.enabled", "false")
        .set("spark.task.maxFailures", String.valueOf(attempts));
    Matcher local = LOCAL.matcher(master);
    if (local.matches()) {
      c.setMaster("local[" + local.group(1) + "," + attempts + "]");
    } else if (master.startsWith("local")) {
      c.setMaster(master);
    } else if (master.startsWith("spark://")) {
      c.setMaster(master)
          .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
          .set("spark.executor.extraJavaOptions", "--add-modules jdk.incubator.vector");
    } else {
      throw EqpropException.usage("the Spark master must be local[*], local[N] or spark://HOST:PORT, got '"
          + master + "'");
    }
    for (String s : settings) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw EqpropException.usage("--conf expects KEY=VALUE, got '" + s + "'");
      }
      c.set(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
    }
    return c;
  }
}
