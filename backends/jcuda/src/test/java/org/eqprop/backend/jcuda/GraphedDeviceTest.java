package org.eqprop.backend.jcuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.eqprop.api.Batch;
import org.eqprop.api.Parameter;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.cost.SquaredError;
import org.eqprop.models.dynamics.GradientDynamics;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.hopfield.LayeredHopfield;
import org.eqprop.models.learning.EpSettings;
import org.eqprop.models.learning.EquilibriumPropagation;
import org.eqprop.models.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link GraphedDevice} on the emulator: what reaches the device (sequences run as they are the
 * first time, recorded the second, replayed after), and that training with it ends bit for bit
 * where training without it does.
 */
@ExtendWith(EmulatedProvider.class)
class GraphedDeviceTest {

  /** The emulator, counting what it is asked to do; {@code record} off makes it a device that cannot. */
  private static final class Counting extends EmulatedDevice {
    final boolean record;
    int launches;
    int captures;
    int graphLaunches;

    Counting(boolean record) {
      this.record = record;
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, int sharedBytes, KernelArgs args) {
      launches++;
      super.launch(kernel, gridX, gridY, blockX, blockY, sharedBytes, args);
    }

    @Override
    public Graph capture(Runnable work) {
      if (!record) {
        return null;
      }
      captures++;
      Graph g = super.capture(work);
      return new Graph() {
        @Override
        public void launch() {
          graphLaunches++;
          g.launch();
        }

        @Override
        public void close() {
          g.close();
        }
      };
    }
  }

  /** Trains {@code steps} minibatches of a 12-9-3 network; returns every parameter's values. */
  private static List<float[]> train(Device device, int steps) {
    int[] sizes = {12, 9, 3};
    SplittableRandom data = new SplittableRandom(11);
    float[] xs = new float[4 * 12];
    float[] ts = new float[4 * 3];
    try (JcudaBackend backend = new JcudaBackend(device, JcudaRelaxation.Mode.AUTO);
        ComposedEnergy net = LayeredHopfield.glorot(backend, sizes, new SplittableRandom(3));
        Tensor x = backend.zeros(4, 12);
        Tensor target = backend.zeros(4, 3);
        EquilibriumPropagation ep = new EquilibriumPropagation(net,
            new GradientDynamics(backend, net.stateSizes(), 0.5f), new SquaredError(backend),
            new Sgd(backend, new float[] {0.1f, 0.05f}), new EpSettings(20, 4, 1f, true, false, 20), 4,
            new SplittableRandom(1))) {
      int[] labels = new int[4];
      for (int s = 0; s < steps; s++) {
        for (int i = 0; i < xs.length; i++) {
          xs[i] = (float) data.nextDouble();
        }
        java.util.Arrays.fill(ts, 0f);
        for (int i = 0; i < 4; i++) {
          labels[i] = data.nextInt(3);
          ts[i * 3 + labels[i]] = 1f;
        }
        backend.upload(xs, x);
        backend.upload(ts, target);
        ep.train(new Batch(x, target, labels, new int[] {0, 1, 2, 3}));
      }
      List<float[]> values = new ArrayList<>();
      for (Parameter p : net.parameters()) {
        values.add(backend.toHost(p.value()));
      }
      return values;
    }
  }

  @Test
  void trainingWithGraphsEndsBitForBitWhereTrainingWithoutEnds() {
    List<float[]> plain = train(new EmulatedDevice(), 12);
    Counting counting = new Counting(true);
    GraphedDevice graphed = new GraphedDevice(counting);
    List<float[]> withGraphs = train(graphed, 12);
    assertEquals(plain.size(), withGraphs.size());
    for (int i = 0; i < plain.size(); i++) {
      assertArrayEquals(plain.get(i), withGraphs.get(i), "parameter " + i);
    }
    // the step's two stretches between host calls (the drive and both phases, up to the report's
    // read; the update, up to the next upload), each in two variants for the two signs of beta,
    // were recorded once each; four more steps are two graph launches each and nothing else
    assertEquals(4, counting.captures, "recordings");
    Counting longer = new Counting(true);
    train(new GraphedDevice(longer), 16);
    assertEquals(counting.launches, longer.launches, "launches outside graphs");
    assertEquals(counting.graphLaunches + 4 * 2, longer.graphLaunches, "graph launches");
    assertEquals(counting.graphLaunches, graphed.replayed());
  }

  @Test
  void aSequenceRunsAsItIsThenIsRecordedThenReplayed() {
    Counting counting = new Counting(true);
    try (GraphedDevice device = new GraphedDevice(counting)) {
      long a = device.alloc(64);
      long b = device.alloc(64);
      float[] out = new float[16];
      int[] seen = new int[3];
      for (int round = 0; round < 3; round++) {
        device.upload(new float[] {round, 1, 2, 3}, 4, a);
        device.copy(a, b, 16);
        device.copy(b, a, 8);
        assertEquals(0, counting.launches + counting.captures + counting.graphLaunches - seen[0] - seen[1] - seen[2],
            "nothing issued before the host needs the device");
        device.download(b, out, 4);
        assertArrayEquals(new float[] {round, 1, 2, 3}, java.util.Arrays.copyOf(out, 4), "round " + round);
        seen[0] = counting.launches;
        seen[1] = counting.captures;
        seen[2] = counting.graphLaunches;
        assertEquals(round == 0 ? 0 : 1, counting.captures, "recordings after round " + round);
        assertEquals(round == 0 ? 0 : round, counting.graphLaunches, "graph launches after round " + round);
      }
      // another sequence (other addresses) is a sequence of its own: run as it is
      device.copy(b, a, 4);
      device.download(a, out, 1);
      assertEquals(1, counting.captures);
      assertEquals(2, counting.graphLaunches);
    }
  }

  @Test
  void aDeviceThatCannotRecordRunsEverySequenceAsItIs() {
    Counting counting = new Counting(false);
    List<float[]> plain = train(new EmulatedDevice(), 4);
    GraphedDevice graphed = new GraphedDevice(counting);
    List<float[]> held = train(graphed, 4);
    for (int i = 0; i < plain.size(); i++) {
      assertArrayEquals(plain.get(i), held.get(i), "parameter " + i);
    }
    assertEquals(0, graphed.replayed());
    assertTrue(counting.launches >= 4 * 4, counting.launches + " launches: four a step, each as it is");
  }
}
