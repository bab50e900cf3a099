package org.eqprop.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

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

  /** A provider whose probe throws, as a broken native library's might. */
  private final BackendProvider broken = mock(BackendProvider.class);

  private final BackendRegistry registry;

  BackendRegistryTest() {
    when(broken.name()).thenReturn("broken");
    when(broken.priority()).thenReturn(100);
    when(broken.probe()).thenThrow(new IllegalStateException("boom"));
    registry = new BackendRegistry(List.of(
        new Fake("ejml", 10, Availability.available("pure Java")),
        new Fake("nd4j", 20, Availability.available("native")),
        new Fake("jcuda", 30, Availability.unavailable("no CUDA driver (libcuda.so.1 not found)")),
        broken));
  }

  private String chosen(String flag, String property, String env, String config) {
    return registry.choose(flag, property, env, config).entry().name();
  }

  @Test
  void precedenceIsFlagPropertyEnvironmentConfigThenPriority() {
    assertEquals("ejml", chosen("ejml", "nd4j", "nd4j", "nd4j"));
    assertEquals("ejml", chosen(null, "ejml", "nd4j", "nd4j"));
    assertEquals("ejml", chosen(null, null, "ejml", "nd4j"));
    assertEquals("ejml", chosen(null, null, null, "ejml"));
    assertEquals("nd4j", chosen(null, null, null, ""), "backend.name \"\" is the default");
    assertEquals("ejml", chosen("EJML", null, null, null), "names in any case");
    assertEquals("nd4j", chosen(null, null, null, ""), "highest priority available, skipping unavailable ones");
    assertEquals("-Deqprop.backend", registry.choose(null, "ejml", "nd4j", null).source());
  }

  @Test
  void probeFailuresBecomeReasonsAndEntriesAreSortedByPriority() {
    assertEquals(List.of("broken", "jcuda", "nd4j", "ejml"),
        registry.entries().stream().map(BackendRegistry.Entry::name).toList());
    assertEquals("probe failed: java.lang.IllegalStateException: boom",
        registry.entries().get(0).availability().reason());
    // probed once, when the registry was made; never created, whatever was asked of it since
    registry.choose(null, null, null, null);
    assertThrows(EqpropException.class, () -> registry.choose("broken", null, null, null));
    verify(broken, times(1)).probe();
    verify(broken, never()).create(anyMap());
  }

  @Test
  void anEmptyFlagPropertyOrVariableIsRefused() {
    assertEquals("--backend is empty: name a backend ([nd4j, ejml]), or leave it out for the highest-priority "
        + "available one", assertThrows(EqpropException.class, () -> registry.choose("", null, null, null)).getMessage());
    assertEquals("-Deqprop.backend is empty: name a backend ([nd4j, ejml]), or leave it out for the highest-priority "
        + "available one", assertThrows(EqpropException.class, () -> registry.choose(null, " ", null, null)).getMessage());
    assertEquals("EQPROP_BACKEND is empty: name a backend ([nd4j, ejml]), or leave the variable unset for the "
        + "highest-priority available one",
        assertThrows(EqpropException.class, () -> registry.choose(null, null, "", null)).getMessage());
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
