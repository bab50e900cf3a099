package org.eqprop.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqprop.runner.config.ConfigException;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private final ConfigLoader loader = new ConfigLoader();
  @TempDir Path dir;

  private RunConfig load(String preset, List<String> sets) {
    return loader.load(preset, null, sets, Map.of());
  }

  private String error(String preset, Path file, List<String> sets) {
    return assertThrows(ConfigException.class, () -> loader.load(preset, file, sets, Map.of())).getMessage();
  }

  private Path yaml(String text) throws IOException {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void defaultsAreThePaper1hPreset() {
    RunConfig defaults = load(null, List.of());
    assertEquals(defaults, load("paper-1h", List.of()));
    assertEquals(List.of(784, 500, 10), defaults.model().layers());
    assertEquals("layered-hopfield", defaults.model().name());
    assertEquals(20, defaults.learner().freeSteps());
    assertEquals(4, defaults.learner().nudgedSteps());
    assertEquals(0.5, defaults.dynamics().eps());
    assertEquals(1.0, defaults.learner().beta());
    assertEquals(true, defaults.learner().randomSign());
    assertEquals(false, defaults.learner().persistentParticles());
    assertNull(defaults.learner().inferenceSteps());
    assertEquals(20, defaults.learner().effectiveInferenceSteps());
    assertEquals(false, defaults.learner().centered());
    assertEquals(List.of(0.1, 0.05), defaults.optimizer().learningRates());
    assertEquals(20, defaults.training().batchSize());
    assertEquals(25, defaults.training().epochs());
    assertEquals("", defaults.backend().name());
    assertEquals("", defaults.data().dir());
  }

  @Test
  void presetsHoldThePapersTable() {
    RunConfig two = load("paper-2h", List.of());
    assertEquals(List.of(784, 500, 500, 10), two.model().layers());
    assertEquals(100, two.learner().freeSteps());
    assertEquals(6, two.learner().nudgedSteps());
    assertEquals(List.of(0.8, 0.2, 0.02), two.optimizer().learningRates());
    assertEquals(2.0, two.learner().beta());
    assertEquals(60, two.training().epochs());
    RunConfig three = load("paper-3h", List.of());
    assertEquals(List.of(784, 500, 500, 500, 10), three.model().layers());
    assertEquals(500, three.learner().freeSteps());
    assertEquals(8, three.learner().nudgedSteps());
    assertEquals(List.of(0.256, 0.064, 0.016, 0.004), three.optimizer().learningRates());
    assertEquals(2.0, three.learner().beta());
    assertEquals(500, three.training().epochs());
    assertEquals(true, two.learner().persistentParticles());
    assertEquals(true, three.learner().persistentParticles());
    assertEquals(20, three.training().batchSize());
    RunConfig adam = load("adam-1h", List.of());
    assertEquals("adam", adam.optimizer().name());
    assertEquals("cosine", adam.optimizer().schedule().name());
    assertEquals(List.of(0.0005, 0.00025), adam.optimizer().learningRates());
    assertEquals(List.of(784, 500, 10), adam.model().layers());
    RunConfig wide = load("adam-wide", List.of());
    assertEquals("adam", wide.optimizer().name());
    assertEquals(List.of(784, 1000, 10), wide.model().layers());
    assertEquals(40, wide.training().epochs());
    RunConfig mnist = load("conv-mnist", List.of());
    assertEquals(List.of(784, 4608, 1024), mnist.model().layers());
    assertEquals("softmax-readout", mnist.cost().name());
    assertEquals(true, mnist.learner().centered());
    assertEquals(List.of(0.03, 0.03, 0.03), mnist.optimizer().learningRates());
    assertEquals(0.005, mnist.optimizer().weightDecay());
    RunConfig cifar = load("conv-cifar10", List.of());
    assertEquals(List.of(3072, 32768, 16384, 8192, 512), cifar.model().layers());
    assertEquals(List.of(0.25, 0.15, 0.1, 0.08, 0.05), cifar.optimizer().learningRates());
    assertEquals(0.003, cifar.optimizer().weightDecay());
    assertEquals("crop-flip", cifar.data().augment());
    assertEquals(120, cifar.training().epochs());
  }

  @Test
  void laterSourcesWin() throws IOException {
    Path file = yaml("learner:\n  beta: 0.5\ntraining:\n  epochs: 3\n  seed: 9\n");
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put("training.epochs", 7);
    flags.put("training.seed", null);
    RunConfig c = loader.load("paper-2h", file, List.of("learner.beta=0.25", "model.layers=[784, 100, 10]",
        "optimizer.learning-rates=[0.1, 0.05]", "backend.options.threads=1"), flags);
    assertEquals(0.25, c.learner().beta());
    assertEquals(7, c.training().epochs());
    assertEquals(9, c.training().seed());
    assertEquals(100, c.learner().freeSteps(), "the preset's value stays where nothing overrides it");
    assertEquals(List.of(784, 100, 10), c.model().layers());
    assertEquals(Map.of("threads", "1"), c.backend().options());
  }

  @Test
  void writtenConfigReadsBackEqual() throws IOException {
    RunConfig c = load("paper-2h", List.of("learner.inference-steps=50", "backend.name=ejml"));
    assertEquals(c, loader.fromYaml(loader.toYaml(c), "test", Map.of()));
    Path f = dir.resolve("config.yaml");
    Files.writeString(f, loader.toYaml(c));
    assertEquals(c, loader.load(null, f, List.of(), Map.of()), "a written config is a valid --config file");
  }

  @Test
  void unknownKeysNameTheSourceAndTheClosestKey() throws IOException {
    assertEquals("unknown config key 'learner.beat' in --set learner.beat=2 (did you mean 'learner.beta'?)",
        error(null, null, List.of("learner.beat=2")));
    assertEquals("unknown config key 'training.batchsize' in config file " + dir.resolve("c.yaml")
            + " (did you mean 'training.batch-size'?)",
        error(null, yaml("training:\n  batchsize: 5\n"), List.of()));
    assertEquals("unknown config key 'colour' in config file " + dir.resolve("c.yaml")
            + " (sections: model, cost, dynamics, learner, optimizer, training, data, backend, distributed)",
        error(null, yaml("colour: red\n"), List.of()));
  }

  @Test
  void wrongTypesAndBadValuesGetOneLine() throws IOException {
    assertEquals("config key 'training.epochs' must be an integer, got 'many'",
        error(null, null, List.of("training.epochs=many")));
    assertEquals("config key 'training.epochs' must be an integer, got '2.5'",
        error(null, null, List.of("training.epochs=2.5")));
    assertEquals("config key 'learner.random-sign' must be true or false, got 'sometimes'",
        error(null, null, List.of("learner.random-sign=sometimes")));
    assertEquals("config key 'optimizer.learning-rates' must hold positive rates, got [0.1, 0.0]",
        error(null, null, List.of("optimizer.learning-rates=[0.1, 0]")));
    assertEquals("config key 'optimizer.learning-rates' must hold positive rates, got [-0.1, 0.05]",
        error(null, null, List.of("optimizer.learning-rates=[-0.1, 0.05]")));
    assertEquals("config key 'training.batch-size' must be >= 1, got 0",
        error(null, null, List.of("training.batch-size=0")));
    assertEquals("config key 'dynamics.eps' must be > 0, got -0.5",
        error(null, null, List.of("dynamics.eps=-0.5")));
    assertEquals("config key 'dynamics.eps' must be > 0, got 0.0",
        error(null, null, List.of("dynamics.eps=0")));
    assertEquals("config key 'model.layers' needs at least two sizes (input and output), got []",
        error(null, null, List.of("model.layers=[]")));
    assertEquals("config key 'model.layers' must hold positive sizes, got [784, 0, 10]",
        error(null, null, List.of("model.layers=[784, 0, 10]")));
    assertEquals("config key 'learner.beta' must be non-zero, got 0.0",
        error(null, null, List.of("learner.beta=0")));
    assertEquals("config key 'learner.free-steps' must be >= 1, got 0",
        error(null, null, List.of("learner.free-steps=0")));
    assertEquals("config key 'training.epochs' must be >= 1, got 0",
        error(null, null, List.of("training.epochs=0")));
    assertEquals("--set expects key=value, got 'learner.beta'",
        error(null, null, List.of("learner.beta")));
    assertEquals("unknown preset 'paper-1'" + " (did you mean 'paper-1h'?); presets: paper-1h, paper-2h, paper-3h, adam-1h, adam-wide, deep-3h, conv-mnist, conv-cifar10",
        error("paper-1", null, List.of()));
  }

  @Test
  void malformedAndMissingFiles() throws IOException {
    String m = error(null, yaml("model:\n  layers: [784, 500\n"), List.of());
    assertEquals(true, m.startsWith("config file " + dir.resolve("c.yaml") + " is not valid YAML at line "), m);
    assertEquals("config file " + dir.resolve("c.yaml") + ": expected a mapping of keys at the top level",
        error(null, yaml("- 1\n- 2\n"), List.of()));
    assertEquals("config file " + dir.resolve("missing.yaml") + " not found",
        error(null, dir.resolve("missing.yaml"), List.of()));
  }
}
