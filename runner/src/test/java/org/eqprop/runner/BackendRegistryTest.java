package org.eqprop.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.eqprop.api.spi.Availability;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;
import org.eqprop.runner.backend.BackendRegistry;
import org.junit.jupiter.api.Test;

class BackendRegistryTest {
  /** A provider whose probe answers as told; selection never calls create. */
  record Fake(String name, int priority, Availability answer) implements BackendProvider {
    @Override
    public String description() {
      return "fake " + name;
    }

    @Override
    public Availability probe() {
      return answer;
    }

    @Override
    public Backend create(Map<String, String> options) {
      throw new UnsupportedOperationException("selection tests never create a backend");
    }
  }

  record Throwing() implements BackendProvider {
    @Override
    public String name() {
      return "broken";
    }

    @Override
    public int priority() {
      return 100;
    }

    @Override
    public String description() {
      return "throws in probe";
    }

    @Override
    public Availability probe() {
      throw new IllegalStateException("boom");
    }

    @Override
    public Backend create(Map<String, String> options) {
      throw new UnsupportedOperationException();
    }
  }

  private final BackendRegistry registry = new BackendRegistry(List.of(
      new Fake("ejml", 10, Availability.available("pure Java")),
      new Fake("nd4j", 20, Availability.available("native")),
      new Fake("jcuda", 30, Availability.unavailable("no CUDA driver (libcuda.so.1 not found)")),
      new Throwing()));

  private String chosen(String flag, String property, String env, String config) {
    return registry.choose(flag, property, env, config).entry().name();
  }

  @Test
  void precedenceIsFlagPropertyEnvironmentConfigThenPriority() {
    assertEquals("ejml", chosen("ejml", "nd4j", "nd4j", "nd4j"));
    assertEquals("ejml", chosen(null, "ejml", "nd4j", "nd4j"));
    assertEquals("ejml", chosen(null, null, "ejml", "nd4j"));
    assertEquals("ejml", chosen("", " ", null, "ejml"));
    assertEquals("nd4j", chosen(null, null, null, ""), "highest priority available, skipping unavailable ones");
    assertEquals("-Deqprop.backend", registry.choose(null, "ejml", "nd4j", null).source());
  }

  @Test
  void probeFailuresBecomeReasonsAndEntriesAreSortedByPriority() {
    assertEquals(List.of("broken", "jcuda", "nd4j", "ejml"),
        registry.entries().stream().map(BackendRegistry.Entry::name).toList());
    assertEquals("probe failed: java.lang.IllegalStateException: boom",
        registry.entries().get(0).availability().reason());
  }

  @Test
  void unknownAndUnavailableNamesListTheAlternatives() {
    assertEquals("Unknown backend 'cuda' (from --backend). Available: [nd4j, ejml]. Unavailable: "
            + "[broken: probe failed: java.lang.IllegalStateException: boom; jcuda: no CUDA driver (libcuda.so.1 not found)]",
        assertThrows(EqpropException.class, () -> registry.choose("cuda", null, null, null)).getMessage());
    EqpropException e = assertThrows(EqpropException.class, () -> registry.choose(null, null, "jcuda", null));
    assertEquals("Backend 'jcuda' (from EQPROP_BACKEND) is unavailable: no CUDA driver (libcuda.so.1 not found). "
        + "Available: [nd4j, ejml]", e.getMessage());
    assertEquals(2, e.exitCode());
    BackendRegistry none = new BackendRegistry(List.of(new Fake("jcuda", 30, Availability.unavailable("no device"))));
    assertEquals("No backend is available. Unavailable: [jcuda: no device]",
        assertThrows(EqpropException.class, () -> none.choose(null, null, null, null)).getMessage());
  }

  @Test
  void theRealClasspathHasTheEjmlBackend() {
    BackendRegistry real = BackendRegistry.discover();
    assertEquals("ejml", real.choose(null, null, null, null).entry().name());
  }
}
