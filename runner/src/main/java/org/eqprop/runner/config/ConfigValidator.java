package org.eqprop.runner.config;

import java.util.List;

/** Range checks on a bound {@link RunConfig}; each failure names the key and the value. */
final class ConfigValidator {
  private ConfigValidator() {}

  static void validate(RunConfig c) {
    for (Object section :
        new Object[] {c.model(), c.cost(), c.dynamics(), c.learner(), c.optimizer(), c.training(), c.data(), c.backend(),
            c.distributed()}) {
      if (section == null) {
        throw new ConfigException("a config section is empty: every section needs its keys");
      }
    }
    name("model.name", c.model().name());
    List<Integer> layers = c.model().layers();
    if (layers == null || layers.size() < 2) {
      throw new ConfigException(
          "config key 'model.layers' needs at least two sizes (input and output), got " + layers);
    }
    for (Integer n : layers) {
      if (n == null || n < 1) {
        throw new ConfigException("config key 'model.layers' must hold positive sizes, got " + layers);
      }
    }
    if (c.model().interactions() == null) {
      throw new ConfigException("config key 'model.interactions' must be a list (empty unless model.name is network)");
    }
    name("cost.name", c.cost().name());
    name("dynamics.name", c.dynamics().name());
    positive("dynamics.eps", c.dynamics().eps());
    name("learner.name", c.learner().name());
    atLeast("learner.free-steps", c.learner().freeSteps(), 1);
    atLeast("learner.nudged-steps", c.learner().nudgedSteps(), 1);
    if (!Double.isFinite(c.learner().beta())) {
      throw new ConfigException("config key 'learner.beta' must be a finite number, got " + c.learner().beta());
    }
    if (c.learner().beta() == 0) {
      throw new ConfigException("config key 'learner.beta' must be non-zero, got " + c.learner().beta());
    }
    if (c.learner().inferenceSteps() != null) {
      atLeast("learner.inference-steps", c.learner().inferenceSteps(), 1);
    }
    name("optimizer.name", c.optimizer().name());
    List<Double> rates = c.optimizer().learningRates();
    if (rates == null || rates.isEmpty()) {
      throw new ConfigException("config key 'optimizer.learning-rates' needs one rate per layer, got " + rates);
    }
    for (Double r : rates) {
      if (r == null || !(r > 0) || Double.isInfinite(r)) {
        throw new ConfigException(
            "config key 'optimizer.learning-rates' must hold positive rates, got " + rates);
      }
    }
    if (!(c.dynamics().tolerance() >= 0) || Double.isInfinite(c.dynamics().tolerance())) {
      throw new ConfigException("config key 'dynamics.tolerance' must be >= 0, got " + c.dynamics().tolerance());
    }
    RunConfig.Optimizer o = c.optimizer();
    inUnit("optimizer.momentum", o.momentum(), true);
    if (!(o.weightDecay() >= 0) || Double.isInfinite(o.weightDecay())) {
      throw new ConfigException("config key 'optimizer.weight-decay' must be >= 0, got " + o.weightDecay());
    }
    inUnit("optimizer.beta1", o.beta1(), false);
    inUnit("optimizer.beta2", o.beta2(), false);
    positive("optimizer.epsilon", o.epsilon());
    RunConfig.Schedule sc = o.schedule();
    if (!List.of("constant", "step", "cosine").contains(sc.name())) {
      throw new ConfigException("config key 'optimizer.schedule.name' must be constant, step or cosine, got '"
          + sc.name() + "'" + Suggest.hint(sc.name(), List.of("constant", "step", "cosine")));
    }
    atLeast("optimizer.schedule.every", sc.every(), 1);
    if (!(sc.factor() > 0 && sc.factor() <= 1)) {
      throw new ConfigException("config key 'optimizer.schedule.factor' must be in (0, 1], got " + sc.factor());
    }
    if (!(sc.floor() >= 0 && sc.floor() <= 1)) {
      throw new ConfigException("config key 'optimizer.schedule.floor' must be in [0, 1], got " + sc.floor());
    }
    atLeast("training.epochs", c.training().epochs(), 1);
    atLeast("training.batch-size", c.training().batchSize(), 1);
    atLeast("training.eval-batch-size", c.training().evalBatchSize(), 1);
    atLeast("training.train-limit", c.training().trainLimit(), 0);
    atLeast("training.test-limit", c.training().testLimit(), 0);
    RunConfig.Distributed d = c.distributed();
    if (!List.of("local", "spark").contains(d.engine())) {
      throw new ConfigException("config key 'distributed.engine' must be local or spark, got '" + d.engine() + "'");
    }
    atLeast("distributed.workers", d.workers(), 1);
    atLeast("distributed.sync-every", d.syncEvery(), 1);
    if (d.engine().equals("local") && d.workers() > 1) {
      throw new ConfigException("config key 'distributed.workers' is " + d.workers()
          + " but distributed.engine is local (one process): set distributed.engine: spark for several workers");
    }
    if (d.engine().equals("spark") && c.learner().persistentParticles()) {
      throw new ConfigException("distributed.engine spark averages the parameters of its workers, but persistent "
          + "particles (one state per training example) cannot be averaged: set learner.persistent-particles: false");
    }
    if (c.data().dir() == null) {
      throw new ConfigException("config key 'data.dir' has no value (use \"\" for the bundled MNIST)");
    }
    if (!List.of("none", "per-channel").contains(c.data().normalize())) {
      throw new ConfigException("config key 'data.normalize' must be none or per-channel, got '"
          + c.data().normalize() + "'");
    }
    if (!org.eqprop.runner.data.Augmentation.NAMES.contains(c.data().augment())) {
      throw new ConfigException("config key 'data.augment' must be one of "
          + String.join(", ", org.eqprop.runner.data.Augmentation.NAMES) + ", got '" + c.data().augment() + "'");
    }
    atLeast("data.crop-padding", c.data().cropPadding(), 0);
  }

  private static void name(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException("config key '" + key + "' must not be empty");
    }
  }

  private static void positive(String key, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new ConfigException("config key '" + key + "' must be > 0, got " + value);
    }
  }

  private static void inUnit(String key, double value, boolean closedAtZero) {
    if (!(closedAtZero ? value >= 0 : value > 0) || !(value < 1)) {
      throw new ConfigException("config key '" + key + "' must be in " + (closedAtZero ? "[0, 1)" : "(0, 1)")
          + ", got " + value);
    }
  }

  private static void atLeast(String key, long value, long min) {
    if (value < min) {
      throw new ConfigException("config key '" + key + "' must be >= " + min + ", got " + value);
    }
  }
}
