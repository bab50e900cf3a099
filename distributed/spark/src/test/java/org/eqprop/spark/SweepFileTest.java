package org.eqprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eqprop.runner.config.ConfigException;
import org.eqprop.runner.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepFileTest {
  @TempDir Path dir;
  private final ConfigLoader loader = new ConfigLoader();

  private Path file(String yaml) throws IOException {
    return Files.writeString(dir.resolve("sweep.yaml"), yaml);
  }

  private String error(String yaml) throws IOException {
    Path f = file(yaml);
    return assertThrows(ConfigException.class, () -> Sweep.plan(SweepFile.read(f, loader), loader, false)).getMessage();
  }

  @Test
  void axesMakeTheirProductInOrderWithNamesFromTheirValues() throws IOException {
    Path f = file("base: paper-1h\nset: {training.epochs: 2}\naxes:\n  training.seed: [1, 2]\n"
        + "  model.layers: [[784, 20, 10], [784, 30, 10]]\n");
    List<SweepRun> runs = Sweep.plan(SweepFile.read(f, loader), loader, false);
    assertEquals(List.of("r001_seed-1_layers-784x20x10", "r002_seed-1_layers-784x30x10",
        "r003_seed-2_layers-784x20x10", "r004_seed-2_layers-784x30x10"), runs.stream().map(SweepRun::name).toList());
    assertEquals(Map.of("training.seed", "2", "model.layers", "[784, 30, 10]"), runs.get(3).values());
    assertEquals(2, runs.get(3).epochs());
    var cfg = loader.fromYaml(runs.get(3).config(), "run 4", Map.of());
    assertEquals(2, cfg.training().seed());
    assertEquals(List.of(784, 30, 10), cfg.model().layers());
    assertEquals(Path.of("data", "mnist").toAbsolutePath().toString(), cfg.data().dir());
  }

  @Test
  void anExplicitListIsTakenAsWritten() throws IOException {
    Path f = file("runs:\n  - {learner.beta: 0.5}\n  - {learner.beta: 1.0, training.seed: 3}\ndata: mnist\n");
    SweepFile sweep = SweepFile.read(f, loader);
    assertEquals(List.of("learner.beta", "training.seed"), sweep.axes());
    List<SweepRun> runs = Sweep.plan(sweep, loader, false);
    assertEquals(List.of("r001_beta-0.5", "r002_beta-1.0_seed-3"), runs.stream().map(SweepRun::name).toList());
    assertEquals(dir.resolve("mnist").toString(),
        loader.fromYaml(runs.get(0).config(), "run 1", Map.of()).data().dir());
  }

  @Test
  void badSweepFilesAreOneLineNamingTheProblem() throws IOException {
    String where = "sweep file " + dir.resolve("sweep.yaml");
    assertEquals("unknown key 'axis' in " + where + " (did you mean 'axes'?); keys: base, set, axes, runs, data, backend",
        error("axis:\n  training.seed: [1, 2]\n"));
    assertEquals("unknown config key 'training.sed' in " + where + ", axes (did you mean 'training.seed'?)",
        error("axes:\n  training.sed: [1, 2]\n"));
    assertEquals(where + ": axis 'training.seed' has no values", error("axes:\n  training.seed: []\n"));
    assertEquals(where + ": axis 'training.seed' must be a list of values, got 3", error("axes:\n  training.seed: 3\n"));
    assertEquals(where + ": no runs: give axes (every combination of their values) or runs (a list)",
        error("base: paper-1h\n"));
    assertEquals(where + ": give axes (every combination of their values) or runs (a list), not both",
        error("axes: {training.seed: [1]}\nruns: [{training.seed: 2}]\n"));
    assertEquals(where + ": base config file " + dir.resolve("nope.yaml") + " not found",
        error("base: nope.yaml\naxes: {training.seed: [1]}\n"));
    assertEquals(where + ": unknown preset 'paper-4h' (did you mean 'paper-1h'?); presets: paper-1h, paper-2h, paper-3h, "
        + "adam-1h, adam-wide, deep-3h, conv-mnist, conv-cifar10", error("base: paper-4h\naxes: {training.seed: [1]}\n"));
    assertEquals("unknown config key 'learner.bta' in " + where + ", set (did you mean 'learner.beta'?)",
        error("set: {learner.bta: 1}\naxes: {training.seed: [1]}\n"));
    assertEquals(where + " is not valid YAML: " + firstLineOfYamlError(), error("axes: [\n"));
  }

  private String firstLineOfYamlError() throws IOException {
    Path f = file("axes: [\n");
    try {
      new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
          .readTree(Files.readString(f));
      throw new AssertionError("expected a YAML error");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return e.getOriginalMessage().lines().findFirst().orElse("");
    }
  }

  @Test
  void aRunWhoseValuesAreOutOfRangeIsNamed() throws IOException {
    String where = "sweep file " + dir.resolve("sweep.yaml");
    String message = error("axes:\n  training.epochs: [2, 0]\n");
    assertEquals(where + ", run r002_epochs-0: " + outOfRange(), message);
  }

  private String outOfRange() {
    return assertThrows(ConfigException.class,
        () -> loader.load(null, null, List.of("training.epochs=0"), Map.of())).getMessage();
  }

  @Test
  void moreRunsThanTheLimitNeedForce() throws IOException {
    Path f = file("axes:\n  training.seed: [" + String.join(", ", java.util.Collections.nCopies(51, "1"))
        + "]\n  learner.beta: [0.5, 1.0]\n");
    SweepFile sweep = SweepFile.read(f, loader);
    assertEquals("sweep file " + f + " makes 102 runs, more than 100; pass --force to start them all",
        assertThrows(ConfigException.class, () -> Sweep.plan(sweep, loader, false)).getMessage());
    assertEquals(102, Sweep.plan(sweep, loader, true).size());
  }
}
