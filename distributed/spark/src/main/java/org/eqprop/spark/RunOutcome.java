package org.eqprop.spark;

import java.io.Serializable;

/**
 * What a Spark task reports for its run.
 *
 * @param name the run's name
 * @param status {@link #DONE} or {@link #FAILED}
 * @param reason why it failed (the run's one-line error), empty when done
 * @param host where the last attempt ran
 * @param attempts the attempts Spark made, this one included
 */
public record RunOutcome(String name, String status, String reason, String host, int attempts)
    implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The run trained all its epochs (in this sweep or an earlier one it resumed). */
  public static final String DONE = "done";
  /** The run failed for good: a configuration or data error, or every attempt failed. */
  public static final String FAILED = "failed";
}
