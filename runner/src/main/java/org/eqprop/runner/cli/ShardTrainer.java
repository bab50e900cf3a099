package org.eqprop.runner.cli;

import java.util.Map;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.data.Dataset;
import org.eqprop.runner.data.MnistData;
import org.eqprop.runner.plugins.Plugins;
import org.eqprop.runner.train.Trainer;
import org.eqprop.runner.train.Workers;

/**
 * A worker's own copy of a run for data-parallel training: backend, model, learner, optimizer and
 * training set built from the run's configuration, as {@code eqprop train} builds them; each {@link
 * #train} loads the round's state and trains the worker's minibatches ({@link Trainer#trainShard}).
 */
public final class ShardTrainer implements AutoCloseable {
  private final RunSetup.Session session;
  private final Trainer trainer;
  private final Dataset train;

  private ShardTrainer(RunSetup.Session session, Trainer trainer, Dataset train) {
    this.session = session;
    this.trainer = trainer;
    this.train = train;
  }

  /** Builds the run that {@code configYaml} (a run's {@code config.yaml}) describes. */
  public static ShardTrainer open(String configYaml) {
    RunConfig config = new ConfigLoader().fromYaml(configYaml, "the run's configuration", Map.of());
    MnistData data = RunSetup.data(config);
    BackendRegistry registry = BackendRegistry.discover(ShardTrainer.class.getClassLoader());
    BackendRegistry.Choice choice = RunSetup.chooseBackend(registry, null, config);
    RunSetup.Session session = RunSetup.open(config, Plugins.none(), registry, choice, data);
    return new ShardTrainer(session, session.injector().getInstance(Trainer.class), data.train());
  }

  /** Trains one task of a round. */
  public Workers.Result train(Workers.Task task) {
    return trainer.trainShard(train, task);
  }

  @Override
  public void close() {
    session.close();
  }
}
