package org.eqprop.runner.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.eqprop.api.spi.Availability;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.plugins.Plugins;

/**
 * The backends on the classpath, each probed once, and the rules for choosing one. A provider that
 * fails to load or whose probe throws is listed as unavailable with the reason, never fatal.
 */
public final class BackendRegistry {
  /** The system property naming a backend. */
  public static final String PROPERTY = "eqprop.backend";

  /** The environment variable naming a backend. */
  public static final String ENVIRONMENT = "EQPROP_BACKEND";

  /** A discovered backend and what its probe said. */
  public record Entry(String name, int priority, String description, Availability availability, BackendProvider provider) {}

  /** Which backend was chosen, and by which rule (for messages and the run's record). */
  public record Choice(Entry entry, String source) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final List<String> loadFailures = new ArrayList<>();

  /** A registry of the given providers (probed now), sorted by priority, highest first. */
  public BackendRegistry(List<BackendProvider> providers) {
    List<Entry> list = new ArrayList<>();
    for (BackendProvider p : providers) {
      Availability a;
      try {
        a = p.probe();
        if (a == null) {
          a = Availability.unavailable("probe returned nothing");
        }
      } catch (RuntimeException | LinkageError e) {
        a = Availability.unavailable("probe failed: " + e);
      }
      if (list.stream().anyMatch(x -> x.name().equals(p.name()))) {
        loadFailures.add("two providers are named '" + p.name() + "': " + p.getClass().getName());
        continue;
      }
      list.add(new Entry(p.name(), p.priority(), p.description(), a, p));
    }
    list.sort(Comparator.comparingInt(Entry::priority).reversed().thenComparing(Entry::name));
    list.forEach(e -> entries.put(e.name(), e));
  }

  /** Discovers every {@link BackendProvider} on the class path. */
  public static BackendRegistry discover() {
    return discover(Plugins.none().loader());
  }

  /**
   * Discovers every {@link BackendProvider} visible to {@code loader}; one that fails to load is
   * listed as unavailable with the reason.
   */
  public static BackendRegistry discover(ClassLoader loader) {
    List<BackendProvider> providers = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Iterator<BackendProvider> it = ServiceLoader.load(BackendProvider.class, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        providers.add(it.next());
      } catch (ServiceConfigurationError e) {
        failures.add(e.getMessage());
      }
    }
    BackendRegistry registry = new BackendRegistry(providers);
    registry.loadFailures.addAll(failures);
    return registry;
  }

  /** All backends, highest priority first. */
  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  /** Providers that could not be loaded at all, with the reason. */
  public List<String> loadFailures() {
    return List.copyOf(loadFailures);
  }

  /**
   * Chooses a backend by precedence: {@code flag}, then {@code property}, then {@code environment},
   * then {@code config}; when all are empty, the available backend with the highest priority.
   *
   * @throws EqpropException (exit 2) naming the available backends and why the others are not
   */
  public Choice choose(String flag, String property, String environment, String config) {
    String[][] candidates = {
      {flag, "--backend"}, {property, "-D" + PROPERTY}, {environment, ENVIRONMENT}, {config, "backend.name"}
    };
    for (int i = 0; i < candidates.length; i++) {
      String[] c = candidates[i];
      if (c[0] == null) {
        continue;
      }
      if (c[0].isBlank()) {
        if (i < 3) { // a flag, property or variable given empty is a mistake; backend.name "" means the default
          throw EqpropException.usage(c[1] + " is empty: name a backend (" + available() + "), or leave "
              + (i == 2 ? "the variable unset" : "it out") + " for the highest-priority available one");
        }
        continue;
      }
      return new Choice(named(c[0].trim(), c[1]), c[1]);
    }
    for (Entry e : entries.values()) {
      if (e.availability().available()) {
        return new Choice(e, "highest priority available");
      }
    }
    throw EqpropException.usage("No backend is available. Unavailable: " + unavailable());
  }

  private Entry named(String name, String source) {
    Entry e = entries.get(name);
    if (e == null) {
      // names are lower case; EJML, Ejml … mean ejml
      e = entries.get(name.toLowerCase(java.util.Locale.ROOT));
    }
    if (e == null) {
      throw EqpropException.usage(
          "Unknown backend '" + name + "' (from " + source + "). Available: " + available()
              + ". Unavailable: " + unavailable());
    }
    if (!e.availability().available()) {
      throw EqpropException.usage(
          "Backend '" + e.name() + "' (from " + source + ") is unavailable: " + e.availability().reason()
              + ". Available: " + available());
    }
    return e;
  }

  /** Creates the chosen backend; a provider that fails to start is reported with its reason. */
  public Backend create(Choice choice, Map<String, String> options) {
    try {
      return choice.entry().provider().create(options);
    } catch (IllegalArgumentException e) {
      throw EqpropException.usage(e.getMessage());
    } catch (RuntimeException | LinkageError e) {
      throw new EqpropException(
          "backend '" + choice.entry().name() + "' failed to start: " + e.getMessage(), EqpropException.FAILURE, e);
    }
  }

  /** {@code [ejml, nd4j]}: the names of the available backends. */
  public String available() {
    return entries.values().stream()
        .filter(e -> e.availability().available())
        .map(Entry::name)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** {@code [jcuda: no CUDA driver]}: the unavailable backends with their reasons. */
  public String unavailable() {
    List<String> parts = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (!e.availability().available()) {
        parts.add(e.name() + ": " + e.availability().reason());
      }
    }
    parts.addAll(loadFailures);
    return parts.stream().collect(Collectors.joining("; ", "[", "]"));
  }
}
