package org.eqprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.eqprop.runner.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eqprop sweep} end to end on embedded {@code local[2]}: a small network on a slice of MNIST. */
class SweepLocalTest {
  static final Path DATA = Path.of("../../data/mnist").toAbsolutePath().normalize();

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result eqprop(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void runsEveryRunAsEqpropTrainDoesWritesTheTableAndPlotAndResumes() throws IOException {
    Path missing = dir.resolve("missing");
    Path sweep = Files.writeString(dir.resolve("sweep.yaml"), "base: paper-1h\n"
        + "set: {model.layers: [784, 30, 10], training.epochs: 2, training.train-limit: 1000, training.test-limit: 300}\n"
        + "data: " + DATA + "\n"
        + "runs:\n  - {training.seed: 1}\n  - {training.seed: 2}\n  - {training.seed: 3, data.dir: " + missing + "}\n");
    Path out = dir.resolve("out");
    Result r = eqprop("sweep", sweep.toString(), "--master", "local[2]", "--out", out.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.out().startsWith("eqprop sweep: 3 runs on local[2,3], output " + out + "\n"), r.out());
    assertTrue(r.out().contains("run r003_seed-3_dir-" + missing.toString().replaceAll("[^A-Za-z0-9.+-]", "_")
        + ": failed: eqprop: data directory " + missing + " not found"), r.out());
    assertTrue(r.out().endsWith("done: 2 of 3 runs finished, 1 failed (see the reason column); " + out.resolve("sweep.csv")
        + ", " + out.resolve("sweep.png") + "\n"), r.out() + r.err());

    List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
    assertEquals("run,training.seed,data.dir,final_test_error,best_test_error,train_error,epochs,seconds,"
        + "samples_per_second,backend,host,status,reason", csv.get(0));
    assertEquals(4, csv.size());
    for (int i = 1; i <= 2; i++) {
      String[] cells = csv.get(i).split(",", -1);
      assertEquals(String.valueOf(i), cells[1]);
      assertEquals("2", cells[6]);
      assertEquals("ejml", cells[9]);
      assertEquals("done", cells[11]);
      assertEquals("", cells[12]);
    }
    assertTrue(csv.get(3).endsWith(",failed,eqprop: data directory " + missing + " not found"), csv.get(3));
    byte[] png = Files.readAllBytes(out.resolve("sweep.png"));
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));

    // the same configuration trained by eqprop train gives the same errors and energies
    String run1 = csv.get(1).split(",")[0];
    Path direct = dir.resolve("direct");
    Result t = eqprop("train", "--config", out.resolve("configs").resolve(run1 + ".yaml").toString(), "--out",
        direct.toString(), "--quiet");
    assertEquals(0, t.code(), t.err());
    assertEquals(withoutTimes(direct.resolve("metrics.csv")), withoutTimes(out.resolve("runs").resolve(run1).resolve("metrics.csv")));

    // --resume: the finished runs are not trained again, the failed one is tried again
    FileTime before = Files.getLastModifiedTime(out.resolve("runs").resolve(run1).resolve("checkpoint.safetensors"));
    Result again = eqprop("sweep", sweep.toString(), "--master", "local[2]", "--out", out.toString(), "--resume");
    assertEquals(1, again.code(), again.err());
    assertTrue(again.out().contains("run " + run1 + ": done"), again.out());
    assertEquals(before, Files.getLastModifiedTime(out.resolve("runs").resolve(run1).resolve("checkpoint.safetensors")));
    assertEquals(csv.subList(1, 3).stream().map(SweepLocalTest::withoutSeconds).toList(),
        Files.readAllLines(out.resolve("sweep.csv")).subList(1, 3).stream().map(SweepLocalTest::withoutSeconds).toList());

    // a sweep never writes over another one by accident
    Result refused = eqprop("sweep", sweep.toString(), "--out", out.toString());
    assertEquals(2, refused.code());
    assertEquals("eqprop: output directory " + out + " is not empty (it holds a sweep): pass --resume to continue it, "
        + "or --force to start it again\n", refused.err());
  }

  @Test
  void aChangedSweepFileIsNotResumedIntoTheOldOutput() throws IOException {
    Path out = dir.resolve("out");
    Path sweep = Files.writeString(dir.resolve("sweep.yaml"), "set: {model.layers: [784, 10, 10], training.epochs: 1, "
        + "training.train-limit: 100, training.test-limit: 100}\ndata: " + DATA + "\naxes: {training.seed: [1]}\n");
    assertEquals(0, eqprop("sweep", sweep.toString(), "--master", "local[1]", "--out", out.toString(), "--quiet").code());
    Files.writeString(sweep, Files.readString(sweep).replace("training.epochs: 1", "training.epochs: 2"));
    Result r = eqprop("sweep", sweep.toString(), "--out", out.toString(), "--resume");
    assertEquals(2, r.code());
    assertEquals("eqprop: the sweep file changed since the sweep in " + out + " began: run r001_seed-1's configuration "
        + "differs from " + out.resolve("configs/r001_seed-1.yaml") + "; use a new --out, or --force to start again\n",
        r.err());
  }

  /** metrics.csv without its timing columns (seconds, samples/s, evaluation seconds). */
  static List<String> withoutTimes(Path metrics) throws IOException {
    return Files.readAllLines(metrics).stream().map(l -> {
      String[] c = l.split(",");
      return String.join(",", c[0], c[1], c[2], c[6], c[7]);
    }).toList();
  }

  static String withoutSeconds(String row) {
    String[] c = row.split(",", -1);
    c[7] = "";
    c[8] = "";
    return String.join(",", c);
  }
}
