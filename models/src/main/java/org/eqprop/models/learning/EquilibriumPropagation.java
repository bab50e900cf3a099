package org.eqprop.models.learning;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.eqprop.api.Batch;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Cost;
import org.eqprop.api.DivergenceException;
import org.eqprop.api.Dynamics;
import org.eqprop.api.Energy;
import org.eqprop.api.Learner;
import org.eqprop.api.Optimizer;
import org.eqprop.api.Parameter;
import org.eqprop.api.PendingStep;
import org.eqprop.api.State;
import org.eqprop.api.TrainStep;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.HostRead;
import org.eqprop.api.tensor.Tensor;

/**
 * Equilibrium Propagation (Scellier &amp; Bengio 2017), one minibatch of {@code B} samples:
 *
 * <ol>
 *   <li>free phase: {@code T1} steps at {@code β = 0} from zeros or from the persistent particles,
 *       giving {@code s⁰} (stored back as the new particles);
 *   <li>with random sign on, {@code β} flips sign with probability ½;
 *   <li>nudged phase: {@code T2} steps at {@code β} from {@code s⁰}, giving {@code sᵝ};
 *   <li>gradient estimate {@code g = (∂E/∂θ(sᵝ) − ∂E/∂θ(s⁰)) / (β·B)} — or, centered, a second
 *       nudged phase at {@code −β} and {@code g = (∂E/∂θ(sᵝ) − ∂E/∂θ(s⁻ᵝ)) / (2β·B)} — handed to the optimizer
 *       (for the layered network and SGD: {@code ΔW_k = α_k/(β·B)·(ρ(sᵝ_{k−1})ᵀρ(sᵝ_k) −
 *       ρ(s⁰_{k−1})ᵀρ(s⁰_k))}).
 * </ol>
 *
 * Named {@code ep}. With {@link EpSettings#clampedOutput()} the same class runs contrastive
 * Hebbian learning (Movellan 1991), named {@code chl}: the second phase starts from {@code s⁰} with
 * the output held at the target while the hidden layers relax for {@code T2} steps, giving
 * {@code sᶜ}, and {@code g = (∂E/∂θ(sᶜ) − ∂E/∂θ(s⁰)) / B}.
 *
 * <p>A cost with parameters of its own (a readout) has them trained beside the energy's, by the
 * contrast of {@code β·∂C/∂θ} between the same two states (for one nudged phase, {@code ∂C/∂θ(sᵝ)/B};
 * centered, the mean over {@code s^{±β}}); the predicted class is the largest of the cost's scores.
 * Contrastive Hebbian learning holds the output layer at the target and refuses such a cost.
 *
 * <p>The learning rule is a {@link GradientEstimator}; how each part of the step runs (a kernel the
 * backend offers, or the energy's own operations) is decided once, in {@code StepPlan}.
 *
 * <p>A training step reads back from the backend only what it reports: the free state's energy and
 * its predicted classes. {@link #train} reads them after the phases and before the update (on a
 * GPU each read waits for the device); {@link #trainLater}, on a backend that reads
 * asynchronously, copies them to the host while the rest of the step runs and checks them when
 * the report is read. A
 * non-finite energy is where divergence shows: the report then looks for the parameter or
 * free-state layer at fault and throws {@link DivergenceException} ({@link #train} before the
 * update, so a parameter at fault is the cause; a deferred report after it). A nudged phase is not
 * checked on its own: were it to diverge, its update would leave a parameter non-finite, which the
 * next step's energy reports.
 */
public final class EquilibriumPropagation implements Learner {
  /** The learner's name. */
  public static final String NAME = "ep";

  /** The name when it runs contrastive Hebbian learning. */
  public static final String CHL = "chl";

  private final Energy energy;
  private final Dynamics dynamics;
  private final Cost cost;
  private final Optimizer optimizer;
  private final EpSettings settings;
  private final RandomGenerator random;
  private final Backend backend;
  private final int examples;
  private final List<Parameter> parameters;
  private final int energyParameters;
  private Particles particles;
  private final List<Tensor> gradients = new ArrayList<>();
  private final Map<Integer, Phases> phases = new HashMap<>();
  private final PhaseTimes times = new PhaseTimes();
  private final GradientEstimator estimator;
  private final StepPlan plan;

  /**
   * @param examples size of the training set (the number of persistent particles, allocated at the
   *     first training step); ignored when persistent particles are off
   * @param random decides the sign of beta when random sign is on
   */
  public EquilibriumPropagation(
      Energy energy,
      Dynamics dynamics,
      Cost cost,
      Optimizer optimizer,
      EpSettings settings,
      int examples,
      RandomGenerator random) {
    this.energy = energy;
    this.dynamics = dynamics;
    this.cost = cost;
    this.optimizer = optimizer;
    this.settings = settings;
    this.random = random;
    this.backend = energy.backend();
    this.examples = examples;
    if (settings.clampedOutput() && !cost.parameters().isEmpty()) {
      throw new IllegalArgumentException("learner " + CHL + " holds the output layer at the target, but cost "
          + cost.name() + " reads the output layer through parameters of its own: use learner " + NAME);
    }
    this.parameters = Parameter.trainable(energy, cost);
    this.energyParameters = energy.parameters().size();
    for (Parameter p : parameters) {
      gradients.add(backend.zeros(p.value().rows(), p.value().cols()));
    }
    this.estimator = GradientEstimator.of(settings);
    this.plan = new StepPlan(energy, dynamics, cost, estimator, optimizer);
  }

  @Override
  public String name() {
    return settings.clampedOutput() ? CHL : NAME;
  }

  /** Time spent per phase of {@link #train}, for benchmarks. */
  public PhaseTimes phaseTimes() {
    return times;
  }

  /** The settings in use. */
  public EpSettings settings() {
    return settings;
  }

  /**
   * The persistent particles, allocated on first use (so a learner used only to predict never
   * holds them).
   *
   * @throws IllegalStateException when persistent particles are off
   */
  public Particles particles() {
    if (!settings.persistentParticles()) {
      throw new IllegalStateException("persistent particles are off");
    }
    if (particles == null) {
      particles = new Particles(backend, examples, energy.stateSizes());
    }
    return particles;
  }

  @Override
  public TrainStep train(Batch batch) {
    return step(batch, false).get();
  }

  /**
   * {@link #train}, deferring the report where the backend reads asynchronously ({@link
   * Backend#readsLater()}): the free state's energy and classes are then copied to the host while
   * the nudged phase and the update run, and checked when the report is read, after the update.
   */
  @Override
  public PendingStep trainLater(Batch batch) {
    return step(batch, backend.readsLater());
  }

  /**
   * One step: the free phase with the free fixed point's energy and classes, the estimator's
   * phases, the report, the particles, the update.
   */
  private PendingStep step(Batch batch, boolean deferred) {
    Particles store = settings.persistentParticles() ? particles() : null;
    Phases ph = phases(batch.size());
    float beta = settings.beta();
    if (settings.randomSign() && random.nextBoolean()) {
      beta = -beta;
    }
    PendingStep report;
    long t0 = System.nanoTime();
    long nudgedBefore = times.nudgedNanos;
    try (ClampedEnergy clamped = energy.clamp(batch.input())) {
      if (store != null) {
        store.load(batch.indices(), ph.free);
      }
      int freeSteps = runPhases(clamped, batch, beta, ph, store == null);
      report = report(ph, batch, freeSteps, deferred);
      if (store != null) {
        store.store(batch.indices(), ph.free);
      }
      long t2 = System.nanoTime();
      // the free phase's time: the input drive, the phase, its report and the particles
      times.freeNanos += t2 - t0 - (times.nudgedNanos - nudgedBefore);
      update(clamped, ph, beta, batch);
      times.updateNanos += System.nanoTime() - t2;
    }
    times.steps++;
    return report;
  }

  /**
   * The free phase from {@code ph.free} (from zeros where {@code fromZeros}), the free fixed point's
   * energy and classes into {@code ph}, then the estimator's phases: in one kernel where the plan
   * has one and it takes these shapes, else phase by phase.
   *
   * @return the free phase's steps
   */
  private int runPhases(ClampedEnergy clamped, Batch batch, float beta, Phases ph, boolean fromZeros) {
    if (plan.fusedPhases.isPresent() && plan.fusedPhases.get().run(clamped, batch, beta, ph.free, ph.second[0],
        settings.freeSteps(), settings.nudgedSteps(), fromZeros, ph.energy, ph.classes)) {
      return settings.freeSteps();
    }
    if (fromZeros) {
      ph.free.clear(backend);
    }
    int steps = dynamics.relax(clamped, cost, batch.target(), 0f, ph.free, settings.freeSteps());
    plan.energy.energy(clamped, ph.free, ph.energy);
    backend.argmaxRows(cost.scores(ph.free.output()), ph.classes);
    long t1 = System.nanoTime();
    estimator.phases(backend, dynamics, clamped, cost, batch, beta, ph.free, ph.second);
    times.nudgedNanos += System.nanoTime() - t1;
    return steps;
  }

  /**
   * The step's report from the free fixed point's energies and classes: read now, and checked
   * (throwing where it diverged), or, {@code deferred}, copied to the host and checked when asked.
   */
  private PendingStep report(Phases ph, Batch batch, int freeSteps, boolean deferred) {
    if (deferred) {
      HostRead energies = backend.readLater(ph.energy);
      HostRead classes = backend.readLater(ph.classes);
      int[] labels = batch.labels().clone();
      return () -> report(energies.get(), classes.get(), labels, freeSteps, ph);
    }
    TrainStep done = report(backend.toHost(ph.energy), backend.toHost(ph.classes), batch.labels(), freeSteps, ph);
    return () -> done;
  }

  /**
   * The report from the free state's per-sample energies and classes.
   *
   * @throws DivergenceException where the energy is not finite
   */
  private TrainStep report(float[] energies, float[] classes, int[] labels, int freeSteps, Phases ph) {
    double sum = 0;
    for (float e : energies) {
      sum += e;
    }
    if (!Double.isFinite(sum)) {
      throw nonFiniteEnergy(ph.free);
    }
    int errors = 0;
    for (int i = 0; i < labels.length; i++) {
      if ((int) classes[i] != labels[i]) {
        errors++;
      }
    }
    return new TrainStep(errors, sum, freeSteps);
  }

  /**
   * Names what made the free phase's energy non-finite: a parameter (the cause where one is bad),
   * else a layer of the free state.
   */
  private DivergenceException nonFiniteEnergy(State free) {
    for (Parameter p : parameters) {
      if (!backend.isFinite(p.value())) {
        return new DivergenceException("parameter " + p.name() + " holds NaN or Inf");
      }
    }
    for (int k = 0; k < free.size(); k++) {
      if (!backend.isFinite(free.layer(k))) {
        return new DivergenceException("free-phase state of layer " + (k + 1) + " holds NaN or Inf");
      }
    }
    return new DivergenceException("the free-phase energy is not finite");
  }

  @Override
  public Map<String, Tensor> stateTensors() {
    if (!settings.persistentParticles()) {
      return Map.of();
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    Particles p = particles();
    for (int k = 0; k < energy.stateSizes().length; k++) {
      out.put("particles." + (k + 1), p.layer(k));
    }
    return out;
  }

  /**
   * The EP estimate of the loss gradient for one minibatch at a given {@code beta}, without
   * updating anything (the particles included): free phase, nudged phase, contrast. Returns one
   * tensor per parameter in the order of {@link Parameter#trainable} (the energy's, then the cost's); they are overwritten by the next call or training
   * step. For contrastive Hebbian learning, its update direction ({@code beta} is then unused).
   */
  public List<Tensor> estimateGradient(Batch batch, float beta) {
    if (beta == 0f) {
      throw new IllegalArgumentException("beta must be non-zero");
    }
    Phases ph = phases(batch.size());
    try (ClampedEnergy clamped = energy.clamp(batch.input())) {
      if (particles != null) {
        particles.load(batch.indices(), ph.free);
      } else {
        ph.free.clear(backend);
      }
      dynamics.relax(clamped, cost, batch.target(), 0f, ph.free, settings.freeSteps());
      estimator.phases(backend, dynamics, clamped, cost, batch, beta, ph.free, ph.second);
      contrastIntoGradients(clamped, ph, beta, batch);
    }
    return List.copyOf(gradients);
  }

  /**
   * Applies the step: with plain SGD, the scaled contrast straight into the parameters; otherwise
   * the estimate into {@link #gradients}, then the optimizer.
   */
  private void update(ClampedEnergy clamped, Phases ph, float beta, Batch batch) {
    if (plan.foldsUpdate.isPresent()) {
      float scale = estimator.scale(beta, batch.size());
      float[] scales = plan.foldsUpdate.get().descentRates(parameters).orElseThrow();
      List<Tensor> values = new ArrayList<>(parameters.size());
      for (int i = 0; i < scales.length; i++) {
        scales[i] *= -scale;
        values.add(parameters.get(i).value());
      }
      plan.contrast.orElseThrow().add(clamped, estimator.first(ph.free, ph.second),
          estimator.second(ph.free, ph.second), scales, values);
      return;
    }
    contrastIntoGradients(clamped, ph, beta, batch);
    optimizer.step(parameters, gradients);
  }

  /**
   * The gradient estimate into {@link #gradients}: the energy's contrast, then a cost's own
   * parameters' contrast of {@code β·∂C/∂θ}.
   */
  private void contrastIntoGradients(ClampedEnergy clamped, Phases ph, float beta, Batch batch) {
    zeroGradients();
    float scale = estimator.scale(beta, batch.size());
    State a = estimator.first(ph.free, ph.second);
    State b = estimator.second(ph.free, ph.second);
    List<Tensor> energyGradients = gradients.subList(0, energyParameters);
    if (plan.contrast.isPresent()) {
      float[] scales = new float[energyParameters];
      java.util.Arrays.fill(scales, scale);
      plan.contrast.get().add(clamped, a, b, scales, energyGradients);
    } else {
      clamped.accumulateContrast(a, b, scale, energyGradients);
    }
    if (energyParameters < gradients.size()) {
      List<Tensor> costGradients = gradients.subList(energyParameters, gradients.size());
      float[] nudges = estimator.nudges(beta);
      if (nudges[0] != 0f) {
        cost.accumulateParameterGradient(a.output(), batch.target(), scale * nudges[0], costGradients);
      }
      if (nudges[1] != 0f) {
        cost.accumulateParameterGradient(b.output(), batch.target(), -scale * nudges[1], costGradients);
      }
    }
  }

  private void zeroGradients() {
    for (Tensor g : gradients) {
      backend.fill(g, 0f);
    }
  }

  @Override
  public int[] predict(Tensor input) {
    Phases ph = phases(input.rows());
    ph.free.clear(backend);
    try (ClampedEnergy clamped = energy.clamp(input)) {
      dynamics.relax(clamped, cost, null, 0f, ph.free, settings.inferenceSteps());
    }
    int[] out = new int[input.rows()];
    backend.argmaxRows(cost.scores(ph.free.output()), out);
    return out;
  }

  private Phases phases(int batch) {
    return phases.computeIfAbsent(batch, Phases::new);
  }

  @Override
  public void close() {
    if (particles != null) {
      particles.close();
    }
    for (Tensor g : gradients) {
      g.close();
    }
    for (Phases p : phases.values()) {
      p.free.close();
      for (State s : p.second) {
        s.close();
      }
      p.energy.close();
      p.classes.close();
    }
    phases.clear();
  }

  private final class Phases {
    final State free;
    final State[] second;
    final Tensor classes;
    final Tensor energy;

    Phases(int batch) {
      int[] sizes = EquilibriumPropagation.this.energy.stateSizes();
      free = State.zeros(backend, batch, sizes);
      second = new State[estimator.states()];
      for (int i = 0; i < second.length; i++) {
        second[i] = State.zeros(backend, batch, sizes);
      }
      classes = backend.zeros(batch, 1);
      energy = backend.zeros(batch, 1);
    }
  }
}
