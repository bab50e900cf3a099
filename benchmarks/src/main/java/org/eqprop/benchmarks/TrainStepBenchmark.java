package org.eqprop.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.eqprop.api.Batch;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.State;
import org.eqprop.api.TrainStep;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.cost.SquaredError;
import org.eqprop.models.dynamics.GradientDynamics;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.hopfield.LayeredHopfield;
import org.eqprop.models.learning.EpSettings;
import org.eqprop.models.learning.EquilibriumPropagation;
import org.eqprop.models.optim.Sgd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The paper's 784-500-10 network (T1 20, T2 4, eps 0.5) on random inputs: one relaxation step,
 * and one whole EP training step.
 */
@org.openjdk.jmh.annotations.State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TrainStepBenchmark {
  /** The backend measured. */
  @Param({"ejml", "nd4j"})
  public String backend;

  /** Samples per minibatch. */
  @Param({"20", "256"})
  public int batch;

  private Backend be;
  private ComposedEnergy net;
  private GradientDynamics dynamics;
  private SquaredError cost;
  private EquilibriumPropagation ep;
  private Batch data;
  private ClampedEnergy clamped;
  private State state;

  /** Builds the network, a batch and a learner. */
  @Setup
  public void setup() {
    be = Backends.create(backend);
    int[] sizes = {784, 500, 10};
    net = LayeredHopfield.glorot(be, sizes, new SplittableRandom(1));
    dynamics = new GradientDynamics(be, net.stateSizes(), 0.5f);
    cost = new SquaredError(be);
    ep = new EquilibriumPropagation(net, dynamics, cost, new Sgd(be, new float[] {0.1f, 0.05f}),
        new EpSettings(20, 4, 1f, true, false, 20), batch, new SplittableRandom(2));
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[batch * 784];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    float[] target = new float[batch * 10];
    int[] labels = new int[batch];
    int[] indices = new int[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = i % 10;
      target[i * 10 + labels[i]] = 1f;
      indices[i] = i;
    }
    Tensor input = be.fromHost(x, batch, 784);
    data = new Batch(input, be.fromHost(target, batch, 10), labels, indices);
    clamped = net.clamp(input);
    state = State.zeros(be, batch, net.stateSizes());
  }

  /** One step of the free dynamics (the input drive already computed). */
  @Benchmark
  public State relaxationStep() {
    dynamics.relax(clamped, cost, null, 0f, state, 1);
    return state;
  }

  /**
   * The free phase's 20 steps, each invocation from the state the last one left (the input drive
   * already computed): per-step costs without the call's fixed cost dominating.
   */
  @Benchmark
  public State freePhase() {
    dynamics.relax(clamped, cost, null, 0f, state, 20);
    return state;
  }

  /** One EP training step: clamp, T1 free steps, T2 nudged steps, update. */
  @Benchmark
  public TrainStep trainStep() {
    return ep.train(data);
  }

  /** Releases everything. */
  @TearDown
  public void tearDown() {
    clamped.close();
    ep.close();
    net.close();
    be.close();
  }
}
