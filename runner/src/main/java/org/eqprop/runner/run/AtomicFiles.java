package org.eqprop.runner.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes a file so that readers see either the old contents or the complete new ones. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code buffers} to a temporary file beside {@code target}, syncs it, renames it over {@code target}. */
  public static void write(Path target, ByteBuffer... buffers) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      for (ByteBuffer b : buffers) {
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
      ch.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
