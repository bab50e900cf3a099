package org.eqprop.runner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyDouble;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eqprop.api.Energy;
import org.eqprop.api.Learner;
import org.eqprop.api.spi.Availability;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.HostRead;
import org.eqprop.backend.ejml.EjmlBackendProvider;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.data.MnistData;
import org.eqprop.runner.plugins.Plugins;
import org.eqprop.runner.run.RunDirectory;
import org.eqprop.runner.wiring.EqpropModule;
import org.eqprop.runner.wiring.ModelRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.InOrder;

/**
 * The trainer on a backend that reads asynchronously (as {@code jcuda} does), where each step's
 * report is read after the next step is issued: the same epochs as on {@code ejml}, and a
 * divergence reported at the same minibatch. The backend is {@code ejml} with {@code async-read}
 * added; its {@code readLater} copies the values when called, as a device's queued copy would.
 */
class DeferredReportsTest {
  private static final Path DATA = Path.of("..", "data", "mnist");

  @TempDir
  Path dir;

  /** {@code ejml}, saying it {@link Backend#readsLater() reads later} and counting the reads it defers. */
  private static final class Deferring implements BackendProvider {
    int deferred;

    @Override
    public String name() {
      return "ejml-deferred";
    }

    @Override
    public int priority() {
      return 0;
    }

    @Override
    public String description() {
      return "ejml with deferred reads";
    }

    @Override
    public Availability probe() {
      return Availability.available("test");
    }

    @Override
    public Backend create(Map<String, String> options) {
      Backend inner = new EjmlBackendProvider().create(options);
      return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
          (proxy, method, args) -> {
            switch (method.getName()) {
              case "readsLater" -> {
                return true;
              }
              case "readLater" -> {
                deferred++;
                float[] values = inner.toHost((org.eqprop.api.tensor.Tensor) args[0]);
                return (HostRead) () -> values;
              }
              default -> {
                try {
                  return method.invoke(inner, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              }
            }
          });
    }
  }

  /** Every minibatch the listener heard of, as "epoch.batch:samples:errors", and the epochs. */
  private final List<String> heard = new ArrayList<>();

  private List<EpochResult> train(BackendProvider provider, Path out, String... sets) throws IOException {
    return train(provider, out, recorder(), sets);
  }

  /** A listener that adds every minibatch it hears of to {@link #heard}. */
  private TrainingListener recorder() {
    return new TrainingListener() {
      private int epoch;

      @Override
      public void epochStarted(int epoch, int batches, int firstBatch) {
        this.epoch = epoch;
      }

      @Override
      public void batchDone(int batchesDone, long samples, long errors, double seconds) {
        heard.add(epoch + "." + batchesDone + ":" + samples + ":" + errors);
      }
    };
  }

  private List<EpochResult> train(BackendProvider provider, Path out, TrainingListener listener, String... sets)
      throws IOException {
    ConfigLoader loader = new ConfigLoader();
    List<String> all = new ArrayList<>(List.of("data.dir=" + DATA, "training.epochs=2", "training.train-limit=600",
        "training.test-limit=200", "training.batch-size=20", "learner.persistent-particles=true"));
    all.addAll(List.of(sets));
    RunConfig config = loader.load(null, null, all, Map.of());
    MnistData full = MnistData.load(DATA);
    MnistData data = new MnistData(full.train().limit(600), full.test().limit(200));
    BackendRegistry registry = new BackendRegistry(List.of(provider));
    Injector injector = Guice.createInjector(new EqpropModule(config, registry,
        registry.choose(provider.name(), null, null, null), ModelRegistry.discover(Plugins.none()), 600));
    try (Backend backend = injector.getInstance(Backend.class);
        Energy energy = injector.getInstance(Energy.class);
        Learner learner = injector.getInstance(Learner.class)) {
      Trainer trainer = injector.getInstance(Trainer.class);
      RunDirectory run = RunDirectory.forNewRun(out, false);
      String yaml = loader.toYaml(config);
      run.start(yaml);
      return trainer.train(data, trainer.start(), run, yaml, listener, () -> false);
    }
  }

  @Test
  void reportsReadAStepLateGiveTheSameEpochs() throws IOException {
    List<EpochResult> now = train(new EjmlBackendProvider(), dir.resolve("now"));
    List<String> heardNow = List.copyOf(heard);
    heard.clear();
    Deferring deferring = new Deferring();
    List<EpochResult> later = train(deferring, dir.resolve("later"));
    assertEquals(heardNow, heard, "the minibatches the listener heard of");
    // every minibatch is heard of once, in order, and the last one carries the epoch's errors
    assertEquals(60, heard.size());
    for (int i = 0; i < heard.size(); i++) {
      int epoch = i / 30 + 1;
      int batch = i % 30 + 1;
      assertTrue(heard.get(i).startsWith(epoch + "." + batch + ":" + 20 * batch + ":"), heard.get(i));
    }
    for (int e = 0; e < 2; e++) {
      long errors = Long.parseLong(heard.get(30 * e + 29).split(":")[2]);
      assertEquals(errors / 600.0, later.get(e).trainError(), 1e-12, "the epoch's errors are its minibatches'");
    }
    assertEquals(2 * 2 * 30, deferring.deferred, "two reads deferred a step, 30 steps an epoch");
    assertEquals(now.size(), later.size());
    for (int e = 0; e < now.size(); e++) {
      assertEquals(now.get(e).trainError(), later.get(e).trainError(), "train error, epoch " + (e + 1));
      assertEquals(now.get(e).testError(), later.get(e).testError(), "test error, epoch " + (e + 1));
      assertEquals(now.get(e).meanEnergy(), later.get(e).meanEnergy(), "energy, epoch " + (e + 1));
    }
  }

  @Test
  void aDivergenceReadAStepLateNamesItsOwnMinibatch() {
    String[] huge = {"optimizer.learning-rates=[1e38, 1e38]"};
    EqpropException now = org.junit.jupiter.api.Assertions.assertThrows(EqpropException.class,
        () -> train(new EjmlBackendProvider(), dir.resolve("now"), huge));
    EqpropException later = org.junit.jupiter.api.Assertions.assertThrows(EqpropException.class,
        () -> train(new Deferring(), dir.resolve("later"), huge));
    String where = now.getMessage().replaceAll(": .*", "");
    assertTrue(where.matches("training diverged at epoch 1, minibatch \\d+"), now.getMessage());
    assertEquals(where, later.getMessage().replaceAll(": .*", ""), later.getMessage());
    assertFalse(later.getMessage().contains("checkpoint.safetensors"), "no checkpoint in the first epoch");
  }

  /**
   * With reports read a step late, the listener still hears each epoch start, each of its
   * minibatches once and in order with the samples seen so far, and the epoch's result, and
   * nothing else.
   */
  @Test
  void theListenerHearsEachEpochAndItsMinibatchesInOrder() throws IOException {
    TrainingListener listener = mock(TrainingListener.class);
    List<EpochResult> epochs = train(new Deferring(), dir.resolve("run"), listener);
    InOrder order = inOrder(listener);
    for (int e = 1; e <= 2; e++) {
      order.verify(listener).epochStarted(e, 30, 0);
      for (int b = 1; b <= 30; b++) {
        order.verify(listener).batchDone(eq(b), eq(20L * b), anyLong(), anyDouble());
      }
      order.verify(listener).epochDone(epochs.get(e - 1));
    }
    verifyNoMoreInteractions(listener);
  }
}
