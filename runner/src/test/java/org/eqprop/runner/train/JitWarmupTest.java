package org.eqprop.runner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eqprop.api.Energy;
import org.eqprop.api.Learner;
import org.eqprop.api.tensor.Backend;
import org.eqprop.backend.ejml.EjmlBackendProvider;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.data.Dataset;
import org.eqprop.runner.data.MnistData;
import org.eqprop.runner.plugins.Plugins;
import org.eqprop.runner.wiring.EqpropModule;
import org.eqprop.runner.wiring.ModelRegistry;
import org.junit.jupiter.api.Test;

/** The JIT warm-up: training steps on a throwaway copy of a run, ended by a stop request. */
class JitWarmupTest {
  private static final Path DATA = Path.of("..", "data", "mnist");
  private static final Dataset TRAIN = MnistData.load(DATA).train().limit(2000);

  @Test
  void trainsTheCopy() {
    try (Copy copy = copy("optimizer.learning-rates=[0.1, 0.05]")) {
      float[] start = copy.weights();
      int steps = JitWarmup.run(copy.backend, copy.learner, TRAIN, 20, 10, () -> false);
      assertEquals(Math.min(JitWarmup.MAX_BATCHES, 2000 / 20 / 4), steps, "a quarter of the sample's epoch");
      assertFalse(Arrays.equals(start, copy.weights()), "the copy's weights moved: it trained");
    }
  }

  /** Ctrl-C: the hook's request is polled before every step, and the warm-up ends at once. */
  @Test
  void aStopRequestEndsItBeforeTheNextStep() {
    int[] polls = {0};
    try (Copy copy = copy("optimizer.learning-rates=[0.1, 0.05]")) {
      float[] start = copy.weights();
      int steps = JitWarmup.run(copy.backend, copy.learner, TRAIN, 20, 10, () -> ++polls[0] > 3);
      assertEquals(3, steps);
      assertEquals(5, polls[0], "polled before each step (the fourth refused) and before the prediction, which it skips");
      assertFalse(Arrays.equals(start, copy.weights()), "three steps were taken");
    }
  }

  @Test
  void aCopyThatDivergesEndsTheWarmUpQuietly() {
    try (Copy copy = copy("optimizer.learning-rates=[1e38, 1e38]")) {
      int steps = JitWarmup.run(copy.backend, copy.learner, TRAIN, 20, 10, () -> false);
      assertTrue(steps < 2000 / 20 / 4, "stopped at the divergence, after " + steps + " steps");
    }
  }

  /** A throwaway copy of a small run, wired as {@code eqprop train} wires its warm-up. */
  private static final class Copy implements AutoCloseable {
    final Backend backend;
    final Energy energy;
    final Learner learner;
    final Trainer trainer;

    Copy(Injector injector) {
      this.backend = injector.getInstance(Backend.class);
      this.energy = injector.getInstance(Energy.class);
      this.learner = injector.getInstance(Learner.class);
      this.trainer = injector.getInstance(Trainer.class);
    }

    float[] weights() {
      return backend.toHost(trainer.parameterTensors().get("W1"));
    }

    @Override
    public void close() {
      try (Backend b = backend; Energy e = energy; Learner l = learner) {
        // closes all three
      }
    }
  }

  private static Copy copy(String... sets) {
    List<String> all = new ArrayList<>(List.of("data.dir=" + DATA, "training.batch-size=20", "model.layers=[784, 30, 10]"));
    all.addAll(List.of(sets));
    RunConfig config = new ConfigLoader().load(null, null, all, Map.of());
    BackendRegistry registry = new BackendRegistry(List.of(new EjmlBackendProvider()));
    return new Copy(Guice.createInjector(new EqpropModule(config, registry, registry.choose("ejml", null, null, null),
        ModelRegistry.discover(Plugins.none()), TRAIN.count())));
  }
}
