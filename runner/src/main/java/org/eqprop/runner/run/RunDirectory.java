package org.eqprop.runner.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.train.EpochResult;

/**
 * A run's output directory: {@code config.yaml} (the resolved configuration), {@code metrics.csv}
 * (one row per epoch, appended as epochs finish), {@code metrics.png} (error and energy per epoch)
 * and {@code checkpoint.safetensors} (rewritten atomically after every epoch and on Ctrl-C).
 */
public final class RunDirectory {
  /** The resolved configuration of the run. */
  public static final String CONFIG = "config.yaml";
  /** One row per epoch. */
  public static final String METRICS = "metrics.csv";
  /** The plot of {@link #METRICS}. */
  public static final String PLOT = "metrics.png";
  /** The last checkpoint. */
  public static final String CHECKPOINT = "checkpoint.safetensors";

  /** The suffix of a forced run's files until its first checkpoint replaces the previous run's. */
  static final String STAGED = ".new";
  /** The files a run writes, in the order a forced run's replace the previous run's. */
  private static final List<String> FILES = List.of(CONFIG, METRICS, PLOT, CHECKPOINT);

  private final Path dir;
  /** Whether this run's files are still beside a previous run's, under {@link #STAGED} names. */
  private boolean staged;
  /** Whether this is a new run (not a resumed one). */
  private final boolean fresh;
  /** Whether this run has saved a checkpoint. */
  private boolean checkpointed;

  private RunDirectory(Path dir, boolean staged, boolean fresh) {
    this.dir = dir;
    this.staged = staged;
    this.fresh = fresh;
  }

  /**
   * Checks that {@code dir} may hold a new run: absent, empty, or {@code force} set. Creates
   * nothing, so a run that fails before training leaves no directory behind. With {@code force}
   * onto a directory that holds files, the new run writes beside them ({@code config.yaml.new}, …)
   * until its first checkpoint, then its files replace the previous run's ({@link #commit}): a run
   * that fails before that leaves the previous one whole.
   */
  public static RunDirectory forNewRun(Path dir, boolean force) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw EqpropException.usage("output path " + dir + " exists and is not a directory");
    }
    if (Files.isDirectory(dir) && !force) {
      if (Files.exists(dir.resolve(CHECKPOINT))) {
        throw EqpropException.usage("output directory " + dir + " holds a previous run: continue it with --resume "
            + dir + ", or overwrite it with --force");
      }
      try (Stream<Path> s = Files.list(dir)) {
        if (s.anyMatch(p -> !RunLock.isLockFile(p))) {
          throw EqpropException.usage(
              "output directory " + dir + " exists, is not empty and is not a previous run (use --force to write into it)");
        }
      } catch (IOException e) {
        throw EqpropException.usage("cannot read output directory " + dir + ": " + IoErrors.reason(e));
      }
    }
    boolean occupied = false;
    if (force && Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        occupied = s.anyMatch(p -> FILES.contains(p.getFileName().toString()));
      } catch (IOException e) {
        throw EqpropException.usage("cannot read output directory " + dir + ": " + IoErrors.reason(e));
      }
    }
    return new RunDirectory(dir, occupied, true);
  }

  /** An existing run to resume: the directory must hold a checkpoint. */
  public static RunDirectory existing(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw EqpropException.usage("run directory " + dir + " not found");
    }
    if (!Files.isRegularFile(dir.resolve(CHECKPOINT))) {
      throw EqpropException.usage("run directory " + dir + " has no " + CHECKPOINT + " to resume from");
    }
    return new RunDirectory(dir, false, false);
  }

  /** The directory. */
  public Path path() {
    return dir;
  }

  /**
   * Takes the directory for this run ({@link RunLock}), creating it if absent; closing the claim
   * lets go of it, and removes the directory again where this claim created it and the run never
   * started (a run that fails at start-up leaves nothing behind).
   *
   * @param recheck run again under the lock (another run may have finished in it since it was checked)
   * @throws EqpropException (usage) where another run holds the directory
   */
  public Claim claim(Runnable recheck) {
    boolean created = !Files.isDirectory(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw EqpropException.usage("cannot create output directory " + dir + ": " + IoErrors.reason(e));
    }
    // refused, it removes nothing: the directory is the holder's now
    RunLock lock = RunLock.acquire(dir);
    Claim claim = new Claim(lock, created);
    try {
      recheck.run();
    } catch (RuntimeException e) {
      claim.close();
      throw e;
    }
    return claim;
  }

  /** Removes the directory where it holds nothing but the lock file. */
  private void removeIfUnstarted() {
    try (Stream<Path> s = Files.list(dir)) {
      if (s.allMatch(RunLock::isLockFile)) {
        Files.deleteIfExists(dir.resolve(RunLock.FILE));
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      // left for the user: an empty directory and a released lock file block nothing
    }
  }

  /** This run's hold on the directory. */
  public final class Claim implements AutoCloseable {
    private final RunLock lock;
    private final boolean created;

    private Claim(RunLock lock, boolean created) {
      this.lock = lock;
      this.created = created;
    }

    /** The holder a crashed run had left named in the lock, or null (see {@link RunLock#takenOver()}). */
    public String takenOver() {
      return lock.takenOver();
    }

    /**
     * Lets go of the directory; first removes what a new run that never saved a checkpoint wrote
     * (beside a previous run, or alone), and the directory where this claim created it.
     */
    @Override
    public void close() {
      discardUnfinished();
      if (created) {
        removeIfUnstarted(); // while still holding the lock, so no other run can have claimed it
      }
      lock.close();
    }
  }

  /** Where this run writes the file {@code name}: under its staged name until {@link #commit}. */
  private Path file(String name) {
    return dir.resolve(staged ? name + STAGED : name);
  }

  /** The checkpoint file. */
  public Path checkpoint() {
    return file(CHECKPOINT);
  }

  /** The plot of the metrics. */
  public Path plot() {
    return file(PLOT);
  }

  /**
   * After a checkpoint: where this run's files are still beside a previous run's, they replace
   * them now, one by one ({@code config.yaml}, {@code metrics.csv}, {@code metrics.png}, the
   * checkpoint last); the previous run's plot goes where this run has none yet.
   */
  public void commit() throws IOException {
    checkpointed = true;
    if (!staged) {
      return;
    }
    for (String name : FILES) {
      Path from = dir.resolve(name + STAGED);
      if (Files.exists(from)) {
        Files.move(from, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.deleteIfExists(dir.resolve(name));
      }
    }
    staged = false;
  }

  /**
   * Removes what a new run wrote where it ended before its first checkpoint (it failed: diverged,
   * out of memory, killed by an error): its staged files beside a previous run, or its own files in
   * a directory that held no run, so a plain rerun is not blocked by them.
   */
  private void discardUnfinished() {
    if (!fresh || checkpointed) {
      return;
    }
    for (String name : FILES) {
      try {
        Files.deleteIfExists(staged ? dir.resolve(name + STAGED) : dir.resolve(name));
      } catch (IOException e) {
        // a leftover file is named in no message: the user removes it, or --force writes over it
      }
    }
  }

  /** Creates the directory and writes the configuration and the metrics header. */
  public void start(String configYaml) throws IOException {
    Files.createDirectories(dir);
    writeConfig(configYaml);
    Files.writeString(file(METRICS), EpochResult.CSV_HEADER + "\n", StandardCharsets.UTF_8);
    Files.deleteIfExists(file(PLOT));
    if (staged) {
      Files.deleteIfExists(file(CHECKPOINT));
    }
  }

  /** Rewrites {@code config.yaml} atomically. */
  public void writeConfig(String configYaml) throws IOException {
    AtomicFiles.write(file(CONFIG), ByteBuffer.wrap(configYaml.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Keeps the rows of the first {@code epochs} epochs of {@code metrics.csv} and drops any later
   * ones (written after the checkpoint a resumed run starts from).
   */
  public void keepMetrics(int epochs) throws IOException {
    writeMetrics(csv(results().stream().filter(r -> r.epoch() <= epochs).toList()));
  }

  /** The rows of {@code metrics.csv} so far. */
  public List<EpochResult> results() throws IOException {
    return results(file(METRICS));
  }

  /** The rows of a {@code metrics.csv} file, none where it does not exist. */
  public static List<EpochResult> results(Path f) throws IOException {
    List<EpochResult> out = new ArrayList<>();
    if (!Files.exists(f)) {
      return out;
    }
    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      if (!line.isBlank()) {
        out.add(EpochResult.parse(line));
      }
    }
    return out;
  }

  /** {@code metrics.csv}'s text for these rows: the header, then a line a row. */
  public static String csv(List<EpochResult> rows) {
    StringBuilder csv = new StringBuilder(EpochResult.CSV_HEADER).append('\n');
    for (EpochResult r : rows) {
      csv.append(r.csvRow()).append('\n');
    }
    return csv.toString();
  }

  /** Rewrites {@code metrics.csv} atomically. */
  public void writeMetrics(String csv) throws IOException {
    AtomicFiles.write(file(METRICS), ByteBuffer.wrap(csv.getBytes(StandardCharsets.UTF_8)));
  }

  /** Where {@code metrics.csv} is written now. */
  public Path metrics() {
    return file(METRICS);
  }
}
