package org.eqprop.runner.run;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.eqprop.runner.EqpropException;

/**
 * A run's exclusive hold on its directory, for the whole life of the run: an operating-system lock
 * on {@code DIR/.eqprop.lock}, whose text names the holder ({@code pid 1234 on host, since
 * 2026-12-04T17:00:00Z}). A second {@code train} on the same directory (new, {@code --force} or
 * {@code --resume}) is refused with one line naming the holder. The lock dies with its process, so
 * a crash leaves no lock that blocks the next run; the file's text then still names the crashed
 * holder, which {@link #takenOver()} reports. The file stays in the directory (deleting it could let
 * two runs lock two different files of one name).
 */
public final class RunLock implements AutoCloseable {
  /** The lock file's name in the run directory. */
  public static final String FILE = ".eqprop.lock";
  private static final String RELEASED = "released";

  private final FileChannel channel;
  private final FileLock lock;
  private final String takenOver;

  private RunLock(FileChannel channel, FileLock lock, String takenOver) {
    this.channel = channel;
    this.lock = lock;
    this.takenOver = takenOver;
  }

  /**
   * Locks {@code dir}, which must exist.
   *
   * @throws EqpropException (usage) naming the holder where another run holds it
   */
  public static RunLock acquire(Path dir) {
    Path file = dir.resolve(FILE);
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameJvm) {
        lock = null;
      }
      if (lock == null) {
        String holder = holder(channel);
        channel.close();
        throw EqpropException.usage("run directory " + dir + " is in use by another eqprop run"
            + (holder.isEmpty() ? "" : " (" + holder + ")") + "; wait for it to end, or use another --out");
      }
      String previous = holder(channel);
      String me = "pid " + ProcessHandle.current().pid() + " on " + host() + ", since " + Instant.now();
      write(channel, me);
      return new RunLock(channel, lock, previous.isEmpty() || previous.equals(RELEASED) ? null : previous);
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // the first failure is the one to report
        }
      }
      throw EqpropException.usage("cannot write in run directory " + dir + ": " + IoErrors.describe(e));
    }
  }

  /**
   * The holder a crashed run left named in the lock file, when this run took its place (the lock
   * itself had died with it); null when the last holder released it or there was none.
   */
  public String takenOver() {
    return takenOver;
  }

  private static String holder(FileChannel channel) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
    channel.read(b, 0);
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
  }

  private static void write(FileChannel channel, String text) throws IOException {
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(false);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName().replaceFirst("^\\d+@", "");
    }
  }

  /** Marks the lock released and lets go of it. */
  @Override
  public void close() {
    try {
      if (channel.isOpen()) {
        write(channel, RELEASED);
        lock.release();
        channel.close();
      }
    } catch (IOException e) {
      // the process is ending or the directory went away: the operating system releases the lock
    }
  }

  /** Whether {@code name} is the lock file, which a run directory may hold besides the run's files. */
  public static boolean isLockFile(Path name) {
    return name.getFileName().toString().equals(FILE);
  }
}
