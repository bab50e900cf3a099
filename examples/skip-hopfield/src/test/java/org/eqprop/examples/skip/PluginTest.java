package org.eqprop.examples.skip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.eqprop.runner.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example trained and checked by the unchanged runner: in process (the plug-in on the class
 * path), and through the {@code eqprop} launcher with {@code --plugins} (the plug-in in a jar the
 * runner has never seen), broken plug-ins included.
 */
class PluginTest {
  static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();
  static final String DATA = ROOT.resolve("data/mnist").toString();
  static final String SERVICES = "META-INF/services/org.eqprop.api.spi.ModelProvider";

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result inProcess(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  /** Runs the repository's ./eqprop launcher, which needs the runner built (mvn package or verify). */
  static Result launcher(String... args) throws IOException, InterruptedException {
    assumeTrue(Files.exists(ROOT.resolve("runner/target/eqprop-runner.jar")),
        "the runner is not packaged yet: the launcher tests run under 'mvn verify'");
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("eqprop").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  /** A jar of the example's classes, the given test classes, and a model services file listing {@code providers}. */
  Path jar(String name, List<Class<?>> testClasses, String... providers) throws IOException {
    return jar(name, SERVICES, testClasses, providers);
  }

  /** A jar of the example's classes, the given test classes, and the services file {@code services}. */
  Path jar(String name, String services, List<Class<?>> testClasses, String... providers) throws IOException {
    Path jar = dir.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      Path classes = Path.of("target", "classes");
      try (Stream<Path> files = Files.walk(classes)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
          put(out, classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
        }
      }
      Path testClassesDir = Path.of("target", "test-classes");
      for (Class<?> c : testClasses) {
        String path = c.getName().replace('.', '/') + ".class";
        put(out, path, Files.readAllBytes(testClassesDir.resolve(path)));
      }
      put(out, services, (String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return jar;
  }

  private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
    out.putNextEntry(new JarEntry(name));
    out.write(bytes);
    out.closeEntry();
  }

  @Test
  void theUnchangedRunnerTrainsAndChecksTheExample() {
    Result check = inProcess("check-model", "skip-hopfield", "--layers", "7,6,5,4");
    assertEquals(0, check.code(), check.out() + check.err());
    assertTrue(check.out().contains("  dE/dV3"), check.out());

    Result train = inProcess("train", "--model", "skip-hopfield", "--data", DATA, "--out", dir.resolve("run").toString(),
        "--epochs", "2", "--set", "training.train-limit=1000", "--set", "training.test-limit=500", "--json");
    assertEquals(0, train.code(), train.err());
    List<String> epochs = train.out().lines().toList();
    assertEquals(2, epochs.size(), train.out());
    double first = Double.parseDouble(epochs.get(0).replaceAll(".*\"test_error\":([0-9.]+).*", "$1"));
    double second = Double.parseDouble(epochs.get(1).replaceAll(".*\"test_error\":([0-9.]+).*", "$1"));
    assertTrue(second < first && second < 0.5, "skip-hopfield learns: test error " + first + " -> " + second);
  }

  @Test
  void aPluginJarAddsTheModelToTheLauncher() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.move(jar("skip.jar", List.of(), SkipHopfieldProvider.class.getName()), plugins.resolve("skip.jar"));
    Result models = launcher("models", "--plugins", plugins.toString());
    assertEquals(0, models.code(), models.err());
    assertTrue(models.out().lines().anyMatch(l -> l.startsWith("skip-hopfield") && l.endsWith("[plugin " + plugins.resolve("skip.jar") + "]")),
        models.out());
    Result train = launcher("train", "--model", "skip-hopfield", "--plugins", plugins.toString(), "--data", DATA,
        "--out", dir.resolve("run").toString(), "--epochs", "1", "--set", "training.train-limit=200",
        "--set", "training.test-limit=100", "--quiet");
    assertEquals(0, train.code(), train.err());
    assertTrue(Files.readString(dir.resolve("run/config.yaml")).contains("name: skip-hopfield"));
    Result without = launcher("check-model", "skip-hopfield");
    assertEquals(2, without.code());
    assertEquals("eqprop: Unknown model 'skip-hopfield'. Known models: [layered-hopfield, network]", without.err().trim());
  }

  /**
   * A network declared in YAML alone, with the plug-in's interaction type beside the built-in ones:
   * {@code check-model} passes every term of it, and it trains, through the launcher with the jar;
   * without the jar the type is unknown.
   */
  @Test
  void aPluginInteractionJarTrainsADeclaredNetworkAndPassesCheckModel() throws Exception {
    Path jar = jar("lateral.jar", "META-INF/services/org.eqprop.api.spi.InteractionProvider", List.of(),
        LateralProvider.class.getName());
    Path config = dir.resolve("lateral.yaml");
    Files.writeString(config, String.join("\n",
        "model:",
        "  name: network",
        "  layers: [784, 40, 10]",
        "  interactions:",
        "    - {type: dense, layers: [0, 1]}",
        "    - {type: bias, layers: [1]}",
        "    - {type: lateral, layers: [1], options: {scale: 0.01}}",
        "    - {type: dense, layers: [1, 2]}",
        "    - {type: bias, layers: [2]}",
        ""));
    Result models = launcher("models", "--plugins", jar.toString());
    assertTrue(models.out().lines().anyMatch(l -> l.startsWith("lateral") && l.endsWith("[plugin " + jar + "]")),
        models.out());
    Result check = launcher("check-model", "--config", config.toString(), "--plugins", jar.toString());
    assertEquals(0, check.code(), check.out() + check.err());
    assertTrue(check.out().lines().anyMatch(l -> l.startsWith("  dE/dlateral1") && l.endsWith("ok")), check.out());
    assertTrue(check.out().contains("all 12 terms match finite differences"), check.out());
    Result train = launcher("train", "--config", config.toString(), "--plugins", jar.toString(), "--data", DATA,
        "--out", dir.resolve("run").toString(), "--epochs", "2", "--set", "training.train-limit=1000",
        "--set", "training.test-limit=500", "--json");
    assertEquals(0, train.code(), train.err());
    List<String> epochs = train.out().lines().toList();
    double first = Double.parseDouble(epochs.get(0).replaceAll(".*\"test_error\":([0-9.]+).*", "$1"));
    double second = Double.parseDouble(epochs.get(1).replaceAll(".*\"test_error\":([0-9.]+).*", "$1"));
    assertTrue(second < first && second < 0.45, "the declared network learns: test error " + first + " -> " + second);
    Result without = launcher("check-model", "--config", config.toString());
    assertEquals(2, without.code());
    assertEquals("eqprop: Unknown interaction type 'lateral'. Known: [bias, conv2d, dense]", without.err().trim());
  }

  /**
   * An optimizer from a jar the runner has never seen: discovered like a model, listed, selected by
   * {@code optimizer.name} and configured under {@code optimizer.options}; it trains.
   */
  @Test
  void aPluginOptimizerTrainsWithoutTouchingTheRunner() throws Exception {
    Path jar = jar("optimizer.jar", "META-INF/services/org.eqprop.api.spi.OptimizerProvider",
        List.of(MaxNormSgdProvider.class, MaxNormSgdProvider.MaxNormSgd.class), MaxNormSgdProvider.class.getName());
    Result models = launcher("models", "--plugins", jar.toString());
    assertTrue(models.out().lines().anyMatch(l -> l.startsWith("max-norm-sgd") && l.endsWith("[plugin " + jar + "]")),
        models.out());
    Result train = launcher("train", "--plugins", jar.toString(), "--data", DATA, "--out", dir.resolve("run").toString(),
        "--epochs", "2", "--set", "model.layers=[784, 40, 10]", "--set", "optimizer.name=max-norm-sgd",
        "--set", "optimizer.learning-rates=[0.02, 0.01]", "--set", "optimizer.options.scale=0.5",
        "--set", "training.train-limit=1000", "--set", "training.test-limit=500", "--json");
    assertEquals(0, train.code(), train.err());
    List<String> epochs = train.out().lines().toList();
    double first = Double.parseDouble(epochs.get(0).replaceAll(".*\"test_error\":([0-9.]+).*", "$1"));
    double second = Double.parseDouble(epochs.get(1).replaceAll(".*\"test_error\":([0-9.]+).*", "$1"));
    assertTrue(second < first && second < 0.5, "max-norm-sgd learns: test error " + first + " -> " + second);
    Result bad = launcher("train", "--plugins", jar.toString(), "--data", DATA, "--out", dir.resolve("bad").toString(),
        "--set", "optimizer.name=max-norm-sgd", "--set", "optimizer.options.scale=-1");
    assertEquals(2, bad.code(), bad.err());
    assertEquals("eqprop: config key 'optimizer.options.scale' must be a number > 0, got -1", bad.err().trim());
    Result without = launcher("train", "--data", DATA, "--out", dir.resolve("without").toString(),
        "--set", "optimizer.name=max-norm-sgd");
    assertEquals(2, without.code());
    assertEquals("eqprop: Unknown optimizer 'max-norm-sgd'. Known: [adam, sgd]", without.err().trim());
  }

  @Test
  void checkModelCatchesADeliberatelyWrongGradient() throws Exception {
    Path jar = jar("broken.jar", List.of(BrokenProviders.class, BrokenProviders.WrongGradient.class,
        Class.forName(BrokenProviders.WrongGradient.class.getName() + "$1"),
        Class.forName(BrokenProviders.WrongGradient.class.getName() + "$1$1")), BrokenProviders.WrongGradient.class.getName());
    Result r = launcher("check-model", "skip-hopfield-broken", "--plugins", jar.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  dE/ds layer 1") && l.contains("WRONG (worst at [")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  dE/ds layer 2") && l.endsWith("ok")), r.out());
    assertEquals("eqprop: 1 of 19 terms do not match finite differences: dE/ds layer 1", r.err().trim());
  }

  /**
   * An out-of-memory the estimate did not foresee (here a plug-in model's, while it makes its
   * parameters) is one line with the hint, exit 1, and leaves no directory behind.
   */
  @Test
  void runningOutOfMemoryIsOneLine() throws Exception {
    Path jar = jar("oom.jar", List.of(BrokenProviders.class, BrokenProviders.OutOfMemory.class),
        BrokenProviders.OutOfMemory.class.getName());
    Result r = launcher("train", "--model", "out-of-memory", "--plugins", jar.toString(), "--data", DATA,
        "--out", dir.resolve("oom").toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().trim().matches("eqprop: out of memory \\(Java heap space\\): the JVM may use \\d+ MB; raise the "
        + "limit \\(e\\.g\\. EQPROP_JAVA_OPTS=-Xmx8g\\) or lower training\\.batch-size; a run's last good checkpoint "
        + "is kept"), r.err());
    assertTrue(!Files.exists(dir.resolve("oom")), "no directory left behind");
  }

  @Test
  void brokenPluginsAreNamedWithTheirJar() throws Exception {
    Path missing = jar("missing.jar", List.of(), "org.example.NoSuchProvider");
    Result r = launcher("models", "--plugins", missing.toString());
    assertEquals(2, r.code());
    assertEquals("eqprop: ModelProvider provider org.example.NoSuchProvider listed in plugin " + missing
        + " failed to load: Provider org.example.NoSuchProvider not found", r.err().trim());

    Path throwing = jar("throwing.jar", List.of(BrokenProviders.class, BrokenProviders.Throwing.class),
        BrokenProviders.Throwing.class.getName());
    r = launcher("models", "--plugins", throwing.toString());
    assertEquals(2, r.code());
    assertEquals("eqprop: ModelProvider provider " + BrokenProviders.Throwing.class.getName() + " listed in plugin "
        + throwing + " failed to load: java.lang.IllegalStateException: cannot start: missing native library libfoo.so",
        r.err().trim());

    Path duplicate = jar("duplicate.jar", List.of(BrokenProviders.class, BrokenProviders.DuplicateName.class),
        BrokenProviders.DuplicateName.class.getName());
    r = launcher("models", "--plugins", duplicate.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().trim().matches("eqprop: two model providers are named 'layered-hopfield': "
        + "org\\.eqprop\\.models\\.hopfield\\.LayeredHopfieldProvider \\(from .*eqprop-models-[^ ]*\\.jar\\) and "
        + "org\\.eqprop\\.examples\\.skip\\.BrokenProviders\\$DuplicateName \\(from " + java.util.regex.Pattern.quote(duplicate.toString()) + "\\)"),
        r.err());
  }

}
