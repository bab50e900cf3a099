package org.eqprop.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.cli.RunSetup;
import org.eqprop.runner.config.ConfigException;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;

/**
 * A sweep's plan and its output directory: the runs a {@link SweepFile} describes, each with its
 * configuration bound and checked before anything starts, and {@code OUT}'s layout ({@code
 * sweep.yaml}, {@code configs/NAME.yaml}, {@code runs/NAME/}, {@code sweep.csv}, {@code sweep.png}).
 */
public final class Sweep {
  /** The most runs a sweep starts without {@code --force}. */
  public static final int LIMIT = 100;

  private Sweep() {}

  /** Where a run's configuration is written. */
  static Path configFile(Path out, String name) {
    return out.resolve("configs").resolve(name + ".yaml");
  }

  /** Where a run trains. */
  static Path runDir(Path out, String name) {
    return out.resolve("runs").resolve(name);
  }

  /**
   * The runs of {@code file}, in its order, named {@code r001_KEY-VALUE...}; the data directory is
   * made absolute here (a run's own {@code data.dir}, else the sweep file's {@code data}, else the
   * bundled MNIST) so that every executor reads the same files.
   */
  public static List<SweepRun> plan(SweepFile file, ConfigLoader loader, boolean force) {
    if (file.runs().size() > LIMIT && !force) {
      throw new ConfigException("sweep file " + file.file() + " makes " + file.runs().size() + " runs, more than "
          + LIMIT + "; pass --force to start them all");
    }
    Map<String, String> shortKeys = shortKeys(file.axes());
    Path data = (file.data() != null ? file.data() : RunSetup.bundledData()).toAbsolutePath().normalize();
    List<SweepRun> runs = new ArrayList<>();
    int width = Math.max(3, String.valueOf(file.runs().size()).length());
    for (int i = 0; i < file.runs().size(); i++) {
      Map<String, Object> values = file.runs().get(i);
      StringBuilder name = new StringBuilder(String.format("r%0" + width + "d", i + 1));
      LinkedHashMap<String, String> shown = new LinkedHashMap<>();
      for (String axis : file.axes()) {
        if (values.containsKey(axis)) {
          String text = text(values.get(axis));
          shown.put(axis, text);
          name.append('_').append(shortKeys.get(axis)).append('-').append(safe(text));
        } else {
          shown.put(axis, "");
        }
      }
      Map<String, Object> all = new LinkedHashMap<>(file.set());
      all.putAll(values);
      all.putIfAbsent("data.dir", data.toString());
      if (file.backend() != null) {
        all.put("backend.name", file.backend());
      }
      String where = "sweep file " + file.file() + ", run " + name;
      RunConfig config;
      try {
        config = loader.load(file.preset(), file.config(), all, where);
      } catch (ConfigException e) {
        throw e.getMessage().contains(where) ? e : new ConfigException(where + ": " + e.getMessage());
      }
      runs.add(new SweepRun(name.toString(), shown, loader.toYaml(config), config.training().epochs()));
    }
    return runs;
  }

  /** Each axis by its last dotted part, or whole where two axes share the last part. */
  private static Map<String, String> shortKeys(List<String> axes) {
    Map<String, String> out = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    Set<String> clash = new HashSet<>();
    for (String a : axes) {
      String last = a.substring(a.lastIndexOf('.') + 1);
      if (!seen.add(last)) {
        clash.add(last);
      }
    }
    for (String a : axes) {
      String last = a.substring(a.lastIndexOf('.') + 1);
      out.put(a, clash.contains(last) ? a : last);
    }
    return out;
  }

  /** A value as the sweep's table shows it: lists as {@code [a, b]}, numbers and text as written. */
  static String text(Object value) {
    if (value instanceof List<?> list) {
      List<String> parts = new ArrayList<>();
      for (Object o : list) {
        parts.add(text(o));
      }
      return "[" + String.join(", ", parts) + "]";
    }
    return String.valueOf(value);
  }

  private static String safe(String text) {
    String s = text.replaceAll("^\\[|\\]$", "").replaceAll(",\\s*", "x").replaceAll("[^A-Za-z0-9.+-]", "_");
    return s.length() > 40 ? s.substring(0, 40) : s;
  }

  /**
   * Prepares {@code out}: a new sweep needs it missing or empty ({@code --force}: what an earlier
   * sweep wrote there is deleted); {@code --resume} needs the same sweep there (every run's
   * configuration as before). Then writes {@code sweep.yaml} and each run's configuration.
   */
  static void prepare(Path out, SweepFile file, List<SweepRun> runs, boolean resume, boolean force) throws IOException {
    if (resume && force) {
      throw EqpropException.usage("--resume continues the sweep in the output directory and --force starts it "
          + "again: give one of them");
    }
    boolean exists = Files.isDirectory(out);
    boolean holdsSweep = exists && Files.exists(out.resolve("sweep.yaml"));
    if (resume) {
      if (!holdsSweep) {
        throw EqpropException.usage("no sweep to resume in " + out + " (it has no sweep.yaml)");
      }
      for (SweepRun run : runs) {
        Path cfg = configFile(out, run.name());
        if (Files.exists(cfg) && !Files.readString(cfg, StandardCharsets.UTF_8).equals(run.config())) {
          throw EqpropException.usage("the sweep file changed since the sweep in " + out + " began: run "
              + run.name() + "'s configuration differs from " + cfg + "; use a new --out, or --force to start again");
        }
      }
    } else if (exists && !isEmpty(out)) {
      if (!force) {
        throw EqpropException.usage("output directory " + out + " is not empty"
            + (holdsSweep ? " (it holds a sweep): pass --resume to continue it, or --force to start it again"
                : ": pass --force to write the sweep into it"));
      }
      for (String name : List.of("runs", "configs")) {
        deleteTree(out.resolve(name));
      }
      for (String name : List.of("sweep.yaml", "sweep.csv", "sweep.png")) {
        Files.deleteIfExists(out.resolve(name));
      }
    }
    Files.createDirectories(out.resolve("configs"));
    Files.createDirectories(out.resolve("runs"));
    Files.writeString(out.resolve("sweep.yaml"), Files.readString(file.file(), StandardCharsets.UTF_8));
    for (SweepRun run : runs) {
      Files.writeString(configFile(out, run.name()), run.config(), StandardCharsets.UTF_8);
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
