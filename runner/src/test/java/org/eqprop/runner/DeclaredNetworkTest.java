package org.eqprop.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Networks declared in YAML alone ({@code model.name: network}) train through the unchanged command line. */
class DeclaredNetworkTest {
  @TempDir Path dir;

  private static final String CHAIN = String.join("\n",
      "model:",
      "  name: network",
      "  layers: [784, 64, 10]",
      "  interactions:",
      "    - {type: dense, layers: [0, 1]}",
      "    - {type: bias, layers: [1]}",
      "    - {type: dense, layers: [1, 2]}",
      "    - {type: bias, layers: [2]}",
      "");

  private CommandLineTest.Result train(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--data", CommandLineTest.DATA, "--out", out.toString(),
        "--epochs", "2", "--set", "training.train-limit=1000", "--set", "training.test-limit=500",
        "--set", "model.layers=[784, 64, 10]"));
    args.addAll(List.of(extra));
    return CommandLineTest.run(args.toArray(String[]::new));
  }

  private static List<String> columns(Path run, int... picked) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.csv"))) {
      String[] cells = line.split(",");
      StringBuilder row = new StringBuilder();
      for (int c : picked) {
        row.append(cells[c]).append(' ');
      }
      out.add(row.toString());
    }
    return out;
  }

  /**
   * The paper's chain declared term by term trains exactly as {@code layered-hopfield}: the same
   * parameters from the same draws, the same fast path, the same errors and energies to the last
   * printed digit.
   */
  @Test
  void thePapersChainDeclaredInYamlTrainsExactlyAsTheBuiltInModel() throws IOException {
    Path config = dir.resolve("chain.yaml");
    Files.writeString(config, CHAIN);
    CommandLineTest.Result builtIn = train(dir.resolve("built-in"));
    assertEquals(0, builtIn.code(), builtIn.err());
    CommandLineTest.Result declared = train(dir.resolve("declared"), "--config", config.toString());
    assertEquals(0, declared.code(), declared.err());
    assertTrue(declared.out().contains("model network [784, 64, 10]"), declared.out());
    // epoch, train_error, test_error, mean_energy, free_steps
    assertEquals(columns(dir.resolve("built-in"), 0, 1, 2, 6, 7), columns(dir.resolve("declared"), 0, 1, 2, 6, 7));
    assertTrue(Files.readString(dir.resolve("declared/config.yaml")).contains("- type: dense"),
        Files.readString(dir.resolve("declared/config.yaml")));
  }

  /** A composition no kernel knows (a skip connection) runs the generic path and learns. */
  @Test
  void aNetworkWithASkipConnectionLearns() throws IOException {
    Path config = dir.resolve("skip.yaml");
    Files.writeString(config, CHAIN + "    - {type: dense, layers: [0, 2], name: V2}\n");
    CommandLineTest.Result r = train(dir.resolve("skip"), "--config", config.toString());
    assertEquals(0, r.code(), r.err());
    List<String> rows = Files.readAllLines(dir.resolve("skip/metrics.csv"));
    double first = Double.parseDouble(rows.get(1).split(",")[2]);
    double second = Double.parseDouble(rows.get(2).split(",")[2]);
    assertTrue(second < first && second < 0.4, "test error " + first + " -> " + second);
  }
}
