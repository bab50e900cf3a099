package org.eqprop.runner.plugins;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.eqprop.runner.EqpropException;

/**
 * The class loader that backends and models are discovered through: the application's, plus the
 * jars named with {@code --plugins} (a jar, or a directory whose {@code *.jar} files are all
 * loaded). A provider that fails to load is reported with the jar that lists it.
 */
public final class Plugins {
  /** Where a jar lists its providers: {@code META-INF/services/} followed by an eqprop SPI's name. */
  private static final String SERVICES = "META-INF/services/org.eqprop.api.spi.";

  private final ClassLoader loader;
  private final List<Path> jars;

  private Plugins(ClassLoader loader, List<Path> jars) {
    this.loader = loader;
    this.jars = jars;
  }

  /** No plug-ins: the application class path only. */
  public static Plugins none() {
    return new Plugins(Plugins.class.getClassLoader(), List.of());
  }

  /** The application class path plus the given jars or directories of jars. */
  public static Plugins load(List<Path> paths) {
    if (paths.isEmpty()) {
      return none();
    }
    List<Path> jars = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          List<Path> found = s.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
          if (found.isEmpty()) {
            throw EqpropException.usage("plugin directory " + p + " holds no .jar files");
          }
          jars.addAll(found);
        } catch (IOException e) {
          throw EqpropException.usage("cannot read plugin directory " + p + ": " + e.getMessage());
        }
      } else if (Files.isRegularFile(p)) {
        jars.add(p);
      } else {
        throw EqpropException.usage("plugin " + p + " not found");
      }
    }
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      try (JarFile file = new JarFile(jar.toFile())) {
        boolean provides = file.stream().anyMatch(e -> e.getName().startsWith(SERVICES) && !e.isDirectory());
        if (!provides) {
          throw EqpropException.usage("plugin " + jar + " provides nothing: it lists no eqprop provider in "
              + SERVICES + "* (a backend, model, interaction type, dynamics, cost, optimizer or learner)");
        }
        urls.add(jar.toUri().toURL());
      } catch (MalformedURLException e) {
        throw EqpropException.usage("plugin " + jar + " has an invalid path");
      } catch (IOException e) {
        throw EqpropException.usage("plugin " + jar + " is not a jar file: " + e.getMessage());
      }
    }
    return new Plugins(new URLClassLoader("eqprop-plugins", urls.toArray(URL[]::new), Plugins.class.getClassLoader()), List.copyOf(jars));
  }

  /** The loader to discover services through. */
  public ClassLoader loader() {
    return loader;
  }

  /**
   * Every provider of {@code service}, in discovery order. A provider class that is missing or
   * whose constructor throws is a usage error (exit 2) naming the provider and the jar that lists it.
   */
  public <T> List<T> providers(Class<T> service) {
    List<T> out = new ArrayList<>();
    Iterator<T> it = ServiceLoader.load(service, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          return out;
        }
        out.add(it.next());
      } catch (ServiceConfigurationError e) {
        throw new EqpropException(service.getSimpleName() + " " + describe(service, e) + ": " + rootMessage(e),
            EqpropException.USAGE, e);
      }
    }
  }

  /** Whether {@code provider} was loaded from one of the plug-in jars (not the application class path). */
  public boolean isPlugin(Object provider) {
    return !jars.isEmpty() && provider.getClass().getClassLoader() == loader;
  }

  /** Where a provider's class came from: its jar, or the application class path. */
  public static String origin(Object provider) {
    var source = provider.getClass().getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return "the application class path";
    }
    try {
      return Path.of(source.getLocation().toURI()).toString();
    } catch (Exception e) {
      return source.getLocation().toString();
    }
  }

  private String describe(Class<?> service, ServiceConfigurationError e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String entry = "META-INF/services/" + service.getName();
    for (Path jar : jars) {
      try (JarFile f = new JarFile(jar.toFile())) {
        var je = f.getJarEntry(entry);
        if (je == null) {
          continue;
        }
        String listed = new String(f.getInputStream(je).readAllBytes(), StandardCharsets.UTF_8);
        for (String line : listed.split("\\R")) {
          String name = line.replaceAll("#.*", "").trim();
          if (!name.isEmpty() && message.contains(name)) {
            return "provider " + name + " listed in plugin " + jar + " failed to load";
          }
        }
      } catch (IOException ignored) {
        // unreadable jars were refused in load()
      }
    }
    return "provider failed to load";
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root == t) {
      String m = t.getMessage() == null ? t.toString() : t.getMessage();
      int colon = m.lastIndexOf(": ");
      return colon >= 0 ? m.substring(colon + 2) : m;
    }
    return root.toString();
  }
}
