package org.eqprop.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eqprop.runner.run.Checkpoint;
import org.eqprop.runner.run.RunId;
import org.eqprop.runner.run.SafeTensors;

/**
 * Two checkpoints compared as two runs that should be the same: every tensor to the bit, every
 * metadata value, the configuration but for the run's own id, and the metrics rows but for their
 * timings.
 */
final class RunIds {
  private RunIds() {}

  private static Checkpoint read(byte[] checkpoint) throws IOException {
    Path f = Files.createTempFile("checkpoint", ".safetensors");
    try {
      Files.write(f, checkpoint);
      return Checkpoint.read(f);
    } finally {
      Files.delete(f);
    }
  }

  /** Fails unless the two checkpoints are the same run's state (see the class comment). */
  static void assertSameRun(byte[] expected, byte[] actual, String what) throws IOException {
    Checkpoint a = read(expected);
    Checkpoint b = read(actual);
    Map<String, SafeTensors.Stored> ta = a.contents().tensors();
    Map<String, SafeTensors.Stored> tb = b.contents().tensors();
    assertEquals(ta.keySet(), tb.keySet(), what + ": tensors");
    for (String name : ta.keySet()) {
      assertEquals(ta.get(name).rows(), tb.get(name).rows(), what + ": rows of " + name);
      assertArrayEquals(ta.get(name).values(), tb.get(name).values(), what + ": " + name);
    }
    Map<String, String> ma = new TreeMap<>(a.contents().metadata());
    Map<String, String> mb = new TreeMap<>(b.contents().metadata());
    String idA = RunId.of(a.config());
    String idB = RunId.of(b.config());
    ma.put("config", a.config().replace(RunId.header(idA), ""));
    mb.put("config", b.config().replace(RunId.header(idB), ""));
    assertEquals(rows(ma.remove("metrics")), rows(mb.remove("metrics")), what + ": metrics rows");
    assertEquals(ma, mb, what + ": metadata");
  }

  /** epoch, train_error, test_error, mean_energy and free_steps of each row (the timings left out). */
  private static List<String> rows(String csv) {
    List<String> out = new ArrayList<>();
    if (csv != null) {
      for (String line : csv.split("\n")) {
        String[] c = line.split(",");
        out.add(c[0] + "," + c[1] + "," + c[2] + "," + c[6] + "," + c[7]);
      }
    }
    return out;
  }
}
