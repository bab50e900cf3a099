package org.eqprop.spark;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.eqprop.runner.cli.ShardTrainer;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.train.Workers;
import org.eqprop.runner.train.WorkersProvider;

/**
 * Data-parallel training on Spark ({@code distributed.engine: spark}): each round is one Spark job
 * of one task per worker; a task trains on a {@link ShardTrainer} that its executor builds once
 * per run and worker and keeps between rounds. A lost task is retried by Spark with the same
 * inputs, so it returns the same result.
 */
public final class SparkWorkers implements Workers {
  /** The attempts Spark makes of a round's task. */
  static final int ATTEMPTS = 3;

  private final JavaSparkContext context;
  private final String configYaml;

  SparkWorkers(RunConfig config, String configYaml) {
    this.context = new JavaSparkContext(SparkSetup.conf("eqprop train", config.distributed().master(), ATTEMPTS,
        List.of()));
    context.setLogLevel("WARN");
    this.configYaml = configYaml;
  }

  @Override
  public List<Result> run(List<Task> tasks) {
    return context.parallelize(tasks, tasks.size()).map(new Shard(configYaml)).collect();
  }

  @Override
  public void close() {
    context.stop();
    Shard.closeAll(configYaml);
  }

  /** Finds {@code spark} for {@code distributed.engine}. */
  public static final class Provider implements WorkersProvider {
    @Override
    public String name() {
      return "spark";
    }

    @Override
    public Workers open(RunConfig config, String configYaml) {
      return new SparkWorkers(config, configYaml);
    }
  }

  /** A task's work: the worker's run (built on first use in this JVM) trains the task. */
  static final class Shard implements Function<Task, Result> {
    private static final long serialVersionUID = 1L;
    /** Each JVM's copies of runs, by configuration and worker (one worker's tasks never overlap). */
    private static final Map<String, ShardTrainer> RUNS = new ConcurrentHashMap<>();

    private final String configYaml;

    Shard(String configYaml) {
      this.configYaml = configYaml;
    }

    @Override
    public Result call(Task task) {
      return RUNS.computeIfAbsent(task.worker() + "\n" + configYaml, k -> ShardTrainer.open(configYaml)).train(task);
    }

    /** Releases this JVM's copies of a run (in local mode, the driver's JVM holds them). */
    static void closeAll(String configYaml) {
      RUNS.entrySet().removeIf(e -> {
        if (e.getKey().endsWith("\n" + configYaml)) {
          e.getValue().close();
          return true;
        }
        return false;
      });
    }
  }
}
