package org.eqprop.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input gets one line naming the problem, exit code 2, and no output directory:
 * configuration, flags, data files, names and checkpoints. The cases are counted.
 */
class BadInputTest {
  @TempDir static Path dir;
  static Path out;
  static String data;
  static int cases;

  record Case(String name, String expected, String... args) {}

  @BeforeAll
  static void files() throws IOException {
    out = dir.resolve("out");
    data = CommandLineTest.DATA;
    Path good = Path.of(data);
    // data directories with one bad file each, the rest copied from the bundled MNIST
    for (String name : List.of("truncated", "garbage", "missing", "count", "labels")) {
      Path d = Files.createDirectories(dir.resolve(name));
      try (Stream<Path> files = Files.list(good)) {
        for (Path f : files.toList()) {
          Files.copy(f, d.resolve(f.getFileName()));
        }
      }
    }
    Path labels = dir.resolve("truncated/t10k-labels-idx1-ubyte");
    Files.delete(dir.resolve("truncated/t10k-labels-idx1-ubyte.gz"));
    Files.write(labels, Arrays.copyOf(IdxDataTest.idx(new int[] {10000}, new byte[10000]), 5000));
    Files.delete(dir.resolve("garbage/t10k-labels-idx1-ubyte.gz"));
    Files.writeString(dir.resolve("garbage/t10k-labels-idx1-ubyte"), "this is not an IDX file at all");
    Files.delete(dir.resolve("missing/t10k-labels-idx1-ubyte.gz"));
    Files.delete(dir.resolve("count/t10k-labels-idx1-ubyte.gz"));
    Files.write(dir.resolve("count/t10k-labels-idx1-ubyte"), IdxDataTest.idx(new int[] {9999}, new byte[9999]));
    Files.delete(dir.resolve("labels/t10k-labels-idx1-ubyte.gz"));
    byte[] eleven = new byte[10000];
    eleven[42] = 11;
    Files.write(dir.resolve("labels/t10k-labels-idx1-ubyte"), IdxDataTest.idx(new int[] {10000}, eleven));

    Files.writeString(dir.resolve("malformed.yaml"), "learner:\n  beta: [1.0\n");
    Files.writeString(dir.resolve("nan.yaml"), "learner:\n  beta: .nan\n");
    try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(
        Files.newOutputStream(dir.resolve("empty.jar")))) {
      jar.putNextEntry(new java.util.jar.JarEntry("README.txt"));
      jar.write("nothing to provide".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      jar.closeEntry();
    }
    Files.writeString(dir.resolve("tab.yaml"), "learner:\n\tbeta: 0.5\n");
    Files.write(dir.resolve("binary.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0x80, (byte) 0xc3});
    Files.writeString(dir.resolve("unknown.yaml"), "learner:\n  free_steps: 20\n");
    Files.writeString(dir.resolve("types.yaml"), "training:\n  batch-size: twenty\n");

    // a real checkpoint, then damaged copies of it
    Path run = dir.resolve("run");
    CommandLineTest.Result r = CommandLineTest.run("train", "--data", data, "--out", run.toString(), "--epochs", "1",
        "--set", "training.train-limit=100", "--set", "training.test-limit=50", "--set", "model.layers=[784, 20, 10]");
    assertEquals(0, r.code(), r.err());
    byte[] cp = Files.readAllBytes(run.resolve("checkpoint.safetensors"));
    Files.write(dir.resolve("truncated.safetensors"), Arrays.copyOf(cp, cp.length - 1000));
    byte[] flipped = cp.clone();
    flipped[flipped.length - 10] ^= 0x55;
    Files.write(dir.resolve("corrupt.safetensors"), flipped);
    Files.writeString(dir.resolve("garbage.safetensors"), "GIF89a and then some");
    Files.write(dir.resolve("foreign.safetensors"), foreign());
    String text = new String(cp, StandardCharsets.ISO_8859_1).replace("\"format_version\":\"1\"", "\"format_version\":\"9\"");
    Files.write(dir.resolve("version.safetensors"), text.getBytes(StandardCharsets.ISO_8859_1));
    Files.createDirectories(dir.resolve("busy"));
    Files.writeString(dir.resolve("busy/notes.txt"), "mine");
  }

  /** A valid safetensors file that is not an eqprop checkpoint (as written by another tool). */
  static byte[] foreign() {
    byte[] json = "{\"weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}}".getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json).putFloat(1f).putFloat(2f);
    return b.array();
  }

  @AfterAll
  static void enough() {
    assertTrue(cases >= 30, "at least 30 bad inputs are tried, got " + cases);
  }

  private static String[] train(String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--data", data, "--out", out.toString(),
        "--set", "training.train-limit=20", "--set", "training.test-limit=20"));
    a.addAll(Arrays.asList(extra));
    return a.toArray(String[]::new);
  }

  private static String[] trainData(String dataDir) {
    return new String[] {"train", "--data", dir.resolve(dataDir).toString(), "--out", out.toString()};
  }

  private static String[] evaluate(String checkpoint) {
    return new String[] {"evaluate", "--checkpoint", dir.resolve(checkpoint).toString(), "--data", data};
  }

  @TestFactory
  Stream<DynamicTest> eachBadInputGetsOneLineAndExitCode2() {
    String f = dir.toString();
    List<Case> all = List.of(
        // configuration files
        new Case("malformed YAML", "config file " + f + "/malformed.yaml is not valid YAML at line 2, column 13: "
            + "while parsing a flow sequence", train("--config", f + "/malformed.yaml")),
        new Case("unknown key in a file", "unknown config key 'learner.free_steps' in config file " + f
            + "/unknown.yaml (did you mean 'learner.free-steps'?)", train("--config", f + "/unknown.yaml")),
        new Case("wrong type in a file", "config key 'training.batch-size' must be an integer, got 'twenty'",
            train("--config", f + "/types.yaml")),
        new Case("missing config file", "config file " + f + "/none.yaml not found", train("--config", f + "/none.yaml")),
        // --set
        new Case("misspelt key", "unknown config key 'optimizer.learning-rate' in --set optimizer.learning-rate=[0.1] "
            + "(did you mean 'optimizer.learning-rates'?)", train("--set", "optimizer.learning-rate=[0.1]")),
        new Case("unknown section", "unknown config key 'trainer.epochs' in --set trainer.epochs=3 "
            + "(did you mean 'training.epochs'?)", train("--set", "trainer.epochs=3")),
        new Case("set without =", "--set expects key=value, got 'learner.beta'", train("--set", "learner.beta")),
        new Case("empty key part", "invalid config key 'learner..beta'", train("--set", "learner..beta=1")),
        new Case("wrong type", "config key 'learner.persistent-particles' must be true or false, got 'yes please'",
            train("--set", "learner.persistent-particles=yes please")),
        new Case("fractional epochs", "config key 'training.epochs' must be an integer, got '1.5'",
            train("--set", "training.epochs=1.5")),
        new Case("list expected", "config key 'model.layers' must be a list", train("--set", "model.layers=784")),
        new Case("learning rate 0", "config key 'optimizer.learning-rates' must hold positive rates, got [0.0, 0.05]",
            train("--set", "optimizer.learning-rates=[0, 0.05]")),
        new Case("negative learning rate", "config key 'optimizer.learning-rates' must hold positive rates, got [0.1, -0.05]",
            train("--set", "optimizer.learning-rates=[0.1, -0.05]")),
        new Case("batch 0", "config key 'training.batch-size' must be >= 1, got 0", train("--set", "training.batch-size=0")),
        new Case("eps 0", "config key 'dynamics.eps' must be > 0, got 0.0", train("--set", "dynamics.eps=0")),
        new Case("empty layer list", "config key 'model.layers' needs at least two sizes (input and output), got []",
            train("--set", "model.layers=[]")),
        new Case("zero-width layer", "config key 'model.layers' must hold positive sizes, got [784, 0, 10]",
            train("--set", "model.layers=[784, 0, 10]")),
        new Case("beta 0", "config key 'learner.beta' must be non-zero, got 0.0", train("--set", "learner.beta=0")),
        new Case("spark engine without its module", "distributed.engine spark needs eqprop's Spark module on the class "
            + "path: pass --engine spark to ./eqprop (the launcher adds the module for it; build it with "
            + "'mvn -q -B package -DskipTests')", train("--set", "distributed.engine=spark")),
        new Case("sync every 0", "config key 'distributed.sync-every' must be >= 1, got 0",
            train("--sync-every", "0")),
        new Case("conv2d between layers of the wrong size", "config key 'model.interactions' item 1: conv2d conv2d01 "
            + "(1x28x28 -> 8 channels, kernel 5, stride 2, padding 0, output 8x12x12) needs layers of 784 and 1152 "
            + "units, got 784 and 1000", train("--set", "model.name=network", "--set", "model.layers=[784,1000,10]",
                "--set", "model.interactions=[{type: conv2d, layers: [0, 1], options: {in: [1, 28, 28], channels: 8, "
                    + "kernel: 5, stride: 2}}, {type: dense, layers: [1, 2]}]")),
        new Case("conv2d with a misspelt option", "config key 'model.interactions' item 1: interaction conv2d01 "
            + "(conv2d) has no option 'chanels'; options: in, channels, kernel, stride, padding, pool, pool-size",
            train("--set", "model.name=network", "--set", "model.layers=[784,1152,10]",
                "--set", "model.interactions=[{type: conv2d, layers: [0, 1], options: {in: [1, 28, 28], chanels: 8, "
                    + "kernel: 5, stride: 2}}, {type: dense, layers: [1, 2]}]")),
        new Case("conv2d with a fractional kernel", "config key 'model.interactions' item 1: interaction conv2d01 "
            + "(conv2d) needs the option kernel as a whole number, got 4.5",
            train("--set", "model.name=network", "--set", "model.layers=[784,1152,10]",
                "--set", "model.interactions=[{type: conv2d, layers: [0, 1], options: {in: [1, 28, 28], channels: 8, "
                    + "kernel: 4.5, stride: 2}}, {type: dense, layers: [1, 2]}]")),
        new Case("conv2d with a pool larger than its output", "config key 'model.interactions' item 1: interaction "
            + "conv2d01 (conv2d): a 13x13 pooling window does not fit a 12x12 image",
            train("--set", "model.name=network", "--set", "model.layers=[784,1152,10]",
                "--set", "model.interactions=[{type: conv2d, layers: [0, 1], options: {in: [1, 28, 28], channels: 8, "
                    + "kernel: 5, stride: 2, pool: max, pool-size: 13}}, {type: dense, layers: [1, 2]}]")),
        new Case("negative limit", "config key 'training.train-limit' must be >= 0, got -1",
            train("--set", "training.train-limit=-1")),
        new Case("rates per layer", "config key 'optimizer.learning-rates' has 2 rates but the model has 3 layers of "
            + "parameters (one rate each)", train("--set", "model.layers=[784, 30, 30, 10]")),
        // names
        new Case("unknown preset", "unknown preset 'paper-4h' (did you mean 'paper-1h'?); presets: paper-1h, paper-2h, paper-3h, adam-1h, adam-wide, deep-3h, conv-mnist, conv-cifar10",
            train("--preset", "paper-4h")),
        new Case("unknown model", "Unknown model 'layered-hopfeld' (did you mean 'layered-hopfield'?). Known models: "
            + "[layered-hopfield, network]", train("--set", "model.name=layered-hopfeld")),
        new Case("unknown backend", "Unknown backend 'gpu' (from --backend). " + InstalledBackends.listing(),
            train("--backend", "gpu")),
        new Case("unknown backend in config", "Unknown backend 'nd4' (from backend.name). " + InstalledBackends.listing(),
            train("--set", "backend.name=nd4")),
        new Case("unknown backend option",
            "unknown option 'thread' for backend ejml (known: threads, mt-threshold, simd, fused)",
            train("--set", "backend.options.thread=2")),
        new Case("momentum of 1", "config key 'optimizer.momentum' must be in [0, 1), got 1.0",
            train("--set", "optimizer.momentum=1")),
        new Case("misspelt schedule", "config key 'optimizer.schedule.name' must be constant, step or cosine, got 'cosin' "
            + "(did you mean 'cosine'?)", train("--set", "optimizer.schedule.name=cosin")),
        new Case("negative weight decay", "config key 'optimizer.weight-decay' must be >= 0, got -0.1",
            train("--set", "optimizer.weight-decay=-0.1")),
        new Case("bad simd option", "backend ejml option simd must be one of auto, on, off, got 'fast'",
            train("--set", "backend.options.simd=fast")),
        new Case("bad fused option", "backend ejml option fused must be one of true, false, got 'maybe'",
            train("--set", "backend.options.fused=maybe")),
        new Case("fixed point with beta -1", "dynamics fixed-point needs every beta > -1 (the nudged output's curvature "
            + "1 + beta must stay positive); learner.beta 1.0 with learner.random-sign reaches -1.0",
            train("--set", "dynamics.name=fixed-point")),
        new Case("unknown learner", "Unknown learner 'hebbian'. Known: [chl, ep]", train("--set", "learner.name=hebbian")),
        new Case("unknown optimizer", "Unknown optimizer 'adamw' (did you mean 'adam'?). Known: [adam, sgd]",
            train("--set", "optimizer.name=adamw")),
        new Case("unknown cost", "Unknown cost 'hinge'. Known: [cross-entropy, softmax-readout, squared-error]",
            train("--set", "cost.name=hinge")),
        new Case("readout option misspelt", "cost softmax-readout takes the option classes, got 'clases' (config key "
            + "'cost.options.clases')", train("--set", "cost.name=softmax-readout", "--set", "cost.options.clases=10",
                "--set", "optimizer.learning-rates=[0.1, 0.05, 0.01]")),
        new Case("readout of one class", "config key 'cost.options.classes' must be at least 2, got 1",
            train("--set", "cost.name=softmax-readout", "--set", "cost.options.classes=1",
                "--set", "optimizer.learning-rates=[0.1, 0.05, 0.01]")),
        new Case("readout without its rate", "config key 'optimizer.learning-rates' has 2 rates but the model has 3 "
            + "layers of parameters (one rate each)", train("--set", "cost.name=softmax-readout")),
        new Case("chl through a readout", "learner chl holds the output layer at the target, but cost softmax-readout "
            + "reads the output layer through parameters of its own: use learner ep",
            train("--set", "cost.name=softmax-readout", "--set", "learner.name=chl",
                "--set", "optimizer.learning-rates=[0.1, 0.05, 0.01]")),
        new Case("labels vs readout classes", "train label 5 at index 0 is outside the 5 classes of cost "
            + "softmax-readout (cost.options.classes)", train("--set", "cost.name=softmax-readout",
                "--set", "cost.options.classes=5", "--set", "optimizer.learning-rates=[0.1, 0.05, 0.01]")),
        new Case("model option", "model layered-hopfield: model layered-hopfield takes no options, got [skip]",
            train("--set", "model.options.skip=true")),
        // declared networks
        new Case("network without interactions", "model network needs its terms in config key 'model.interactions' (a "
            + "list of {type, layers}, e.g. {type: dense, layers: [0, 1]})", train("--set", "model.name=network")),
        new Case("interactions on another model", "model layered-hopfield takes no 'model.interactions' (they declare a"
            + " network: set model.name to network)", train("--set", "model.interactions=[{type: bias, layers: [1]}]")),
        new Case("unknown interaction type", "Unknown interaction type 'dens' (did you mean 'dense'?). Known: [bias, conv2d, dense]",
            train("--set", "model.name=network", "--set", "model.interactions=[{type: dens, layers: [0, 1]}]")),
        new Case("interaction without layers", "config key 'model.interactions' item 1: needs 'layers', a list of layer"
            + " indices (0 is the input), e.g. [0, 1]",
            train("--set", "model.name=network", "--set", "model.interactions=[{type: dense}]")),
        new Case("interaction layer out of range", "config key 'model.interactions' item 2: layer 3 is not an index of"
            + " model.layers (0 to 2)", train("--set", "model.name=network", "--set",
                "model.interactions=[{type: dense, layers: [0, 1]}, {type: bias, layers: [3]}]")),
        new Case("interaction unknown key", "config key 'model.interactions' item 1: unknown key 'layer' (keys: type, "
            + "layers, name, group, options)",
            train("--set", "model.name=network", "--set", "model.interactions=[{type: bias, layer: [1]}]")),
        new Case("interaction refuses its layers", "config key 'model.interactions' item 1: interaction dense1 (dense) "
            + "joins 2 layers, got [1]", train("--set", "model.name=network", "--set",
                "model.interactions=[{type: dense, layers: [1]}]")),
        new Case("interaction on the input only", "config key 'model.interactions' item 1: bias b0 is on the clamped "
            + "layer input",
            train("--set", "model.name=network", "--set", "model.interactions=[{type: bias, layers: [0]}]")),
        new Case("two parameters with one name", "model network: two parameters are named b1", train("--set",
            "model.name=network", "--set", "model.interactions=[{type: bias, layers: [1]}, {type: bias, layers: [1]}]")),
        // flags
        new Case("bad flag value", "Invalid value for option '--epochs': 'three' is not an int", train("--epochs", "three")),
        new Case("misspelt flag", "Unknown option: '--sed' (did you mean --set or --seed?)", train("--sed")),
        new Case("resume with preset", "--resume continues a run with its own configuration and directory; it takes only "
            + "--epochs, --data, --backend, --engine and --plugins besides", "train", "--resume", f + "/run", "--preset", "paper-1h"),
        new Case("resume without a run", "run directory " + f + "/nowhere not found", "train", "--resume", f + "/nowhere"),
        new Case("resume without checkpoint", "run directory " + f + "/busy has no checkpoint.safetensors to resume from",
            "train", "--resume", f + "/busy"),
        new Case("empty out", "--out is empty: name a directory for the run, or leave it out for runs/<name>-<time>",
            "train", "--data", data, "--out", ""),
        new Case("empty backend", "--backend is empty: name a backend (" + InstalledBackends.available() + "), or leave "
            + "it out for the highest-priority available one", train("--backend", "")),
        new Case("NaN in YAML", "config file " + f + "/nan.yaml at line 2, column 13: .nan is not a number eqprop "
            + "takes: every number must be finite", train("--config", f + "/nan.yaml")),
        new Case("infinite beta", "config key 'learner.beta' must be a finite number, got Infinity",
            train("--set", "learner.beta=1e400")),
        new Case("tab in YAML", "config file " + f + "/tab.yaml has a tab at line 2, column 1: YAML indents with "
            + "spaces only", train("--config", f + "/tab.yaml")),
        new Case("binary config", "config file " + f + "/binary.yaml is not UTF-8 text (is it a YAML file?)",
            train("--config", f + "/binary.yaml")),
        new Case("a network too large for the memory", "this run needs about 44.1 GB of memory (parameters 5.9 GB, "
            + "minibatch states 38.0 GB, particles 0 MB, data 53 MB) but the JVM may use *",
            train("--set", "model.layers=[784,1000000,10]", "--set", "training.train-limit=0",
                "--set", "training.test-limit=0")),
        new Case("a batch larger than the training set", "config key 'training.batch-size' is 40 but the training set "
            + "has 20 examples (training.train-limit)", train("--set", "training.batch-size=40")),
        new Case("out below a file", "cannot create output directory " + f + "/malformed.yaml/run: Not a directory",
            "train", "--data", data, "--out", f + "/malformed.yaml/run"),
        new Case("missing plugin", "plugin " + f + "/none.jar not found", "models", "--plugins", f + "/none.jar"),
        new Case("plugin not a jar", "plugin " + f + "/malformed.yaml is not a jar file: zip END header not found",
            "models", "--plugins", f + "/malformed.yaml"),
        new Case("plugin that provides nothing", "plugin " + f + "/empty.jar provides nothing: it lists no eqprop "
            + "provider in META-INF/services/org.eqprop.api.spi.* (a backend, model, interaction type, dynamics, cost, "
            + "optimizer or learner)", "models", "--plugins", f + "/empty.jar"),
        new Case("plugin dir without jars", "plugin directory " + f + "/busy holds no .jar files",
            "models", "--plugins", f + "/busy"),
        new Case("check-model unknown", "Unknown model 'hopfield'. Known models: [layered-hopfield, network]",
            "check-model", "hopfield"),
        // data
        new Case("layers vs pixels", "model.layers starts with 100 inputs but the images have 784 pixels",
            train("--set", "model.layers=[100, 10]")),
        new Case("layers vs classes", "train label 5 at index 0 is outside the model's 5 outputs (model.layers ends with 5)",
            train("--set", "model.layers=[784, 20, 5]", "--set", "optimizer.learning-rates=[0.1, 0.05]")),
        new Case("missing data dir", "data directory " + f + "/nodata not found", trainData("nodata")),
        new Case("missing data file", "data file t10k-labels-idx1-ubyte (or t10k-labels-idx1-ubyte.gz) not found in "
            + f + "/missing", trainData("missing")),
        new Case("truncated IDX", "data file " + f + "/truncated/t10k-labels-idx1-ubyte is truncated: dimensions [10000] "
            + "need 10000 bytes of data, found 4992", trainData("truncated")),
        new Case("garbage IDX", "data file " + f + "/garbage/t10k-labels-idx1-ubyte is not an IDX file: bad magic number "
            + "74 68 69 73", trainData("garbage")),
        new Case("count mismatch", "data files t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte disagree: 10000 images "
            + "but 9999 labels", trainData("count")),
        new Case("label out of range", "test label 11 at index 42 is outside the model's 10 outputs (model.layers ends with 10)",
            trainData("labels")),
        // output directory
        new Case("output not empty", "output directory " + f + "/busy exists, is not empty and is not a previous run "
            + "(use --force to write into it)", "train", "--data", data, "--out", f + "/busy"),
        new Case("output is a previous run", "output directory " + f + "/run holds a previous run: continue it with "
            + "--resume " + f + "/run, or overwrite it with --force", "train", "--data", data, "--out", f + "/run"),
        new Case("output is a file", "output path " + f + "/malformed.yaml exists and is not a directory",
            "train", "--data", data, "--out", f + "/malformed.yaml"),
        // checkpoints
        new Case("truncated checkpoint", "checkpoint " + f + "/truncated.safetensors cannot be used: it is truncated: "
            + "tensor *", evaluate("truncated.safetensors")),
        new Case("corrupt checkpoint", "checkpoint " + f + "/corrupt.safetensors cannot be used: its checksum does not match*",
            evaluate("corrupt.safetensors")),
        new Case("garbage checkpoint", "checkpoint " + f + "/garbage.safetensors cannot be used: it is not a safetensors "
            + "file, or it is truncated*", evaluate("garbage.safetensors")),
        new Case("foreign checkpoint", "checkpoint " + f + "/foreign.safetensors cannot be used: it is not an eqprop "
            + "checkpoint (metadata format is missing)", evaluate("foreign.safetensors")),
        new Case("future checkpoint", "checkpoint " + f + "/version.safetensors cannot be used: format version 9 is not "
            + "supported (this eqprop reads version 1)", evaluate("version.safetensors")),
        new Case("missing checkpoint", "checkpoint " + f + "/none.safetensors not found", evaluate("none.safetensors")));
    return all.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
  }

  private static void check(Case c) {
    cases++;
    CommandLineTest.Result r = CommandLineTest.run(c.args());
    List<String> lines = r.err().lines().toList();
    assertEquals(2, r.code(), c.name() + ": " + r.err());
    assertFalse(lines.isEmpty(), c.name());
    String first = lines.get(0);
    // an expected message ending in '*' gives the line up to a part that varies (byte counts, checksums)
    boolean prefix = c.expected().endsWith("*");
    String expected = "eqprop: " + (prefix ? c.expected().substring(0, c.expected().length() - 1) : c.expected());
    assertTrue(prefix ? first.startsWith(expected) : first.equals(expected),
        c.name() + "\n expected: " + c.expected() + "\n but was:  " + first);
    assertFalse(lines.stream().anyMatch(l -> l.startsWith("\tat ")), "no stack trace without --verbose");
    assertFalse(Files.exists(out), c.name() + ": nothing may be written");
  }
}
