package org.eqprop.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eqprop.runner.run.Checkpoint;
import org.eqprop.runner.run.RunId;

/** Checkpoints compared byte for byte but for the id of the run that wrote them. */
final class RunIds {
  private RunIds() {}

  /** The run id a checkpoint's configuration names. */
  static String runId(byte[] checkpoint) throws IOException {
    Path f = Files.createTempFile("checkpoint", ".safetensors");
    try {
      Files.write(f, checkpoint);
      return RunId.of(Checkpoint.read(f).config());
    } finally {
      Files.delete(f);
    }
  }

  /** The checkpoint's bytes with its run id replaced by {@code id} (every id has one length). */
  static byte[] withRunId(byte[] checkpoint, String id) throws IOException {
    String text = new String(checkpoint, StandardCharsets.ISO_8859_1);
    return text.replace(runId(checkpoint), id).getBytes(StandardCharsets.ISO_8859_1);
  }
}
