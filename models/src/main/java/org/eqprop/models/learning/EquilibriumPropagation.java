package org.eqprop.models.learning;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.eqprop.api.tensor.Capability;
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
 * <p>Where the dynamics fuse both phases ({@link Dynamics#fusedPhases}: the {@code gradient}
 * dynamics on a backend with {@link Capability#CHAIN_PHASES}), a one-sided EP step runs them, with
 * the free fixed point's energy and classes, in one call.
 *
 * <p>A training step reads back from the backend only what it reports: the free state's energy and
 * its predicted classes. {@link #train} reads them before the nudged phase (on a GPU each read
 * waits for the device); {@link #trainLater}, on a backend that reads asynchronously, copies them
 * to the host while the rest of the step runs and checks them when the report is read. A
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
  private Particles particles;
  private final List<Tensor> gradients = new ArrayList<>();
  private final Map<Integer, Phases> phases = new HashMap<>();
  private final PhaseTimes times = new PhaseTimes();

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
    for (Parameter p : energy.parameters()) {
      gradients.add(backend.zeros(p.value().rows(), p.value().cols()));
    }
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
   * Capability#ASYNC_READ}): the free state's energy and classes are then copied to the host while
   * the nudged phase and the update run, and checked when the report is read, after the update.
   */
  @Override
  public PendingStep trainLater(Batch batch) {
    return step(batch, backend.capabilities().contains(Capability.ASYNC_READ));
  }

  private PendingStep step(Batch batch, boolean deferred) {
    Particles store = settings.persistentParticles() ? particles() : null;
    Phases ph = phases(batch.size());
    float beta = settings.beta();
    if (settings.randomSign() && random.nextBoolean()) {
      beta = -beta;
    }
    PendingStep report;
    long t0 = System.nanoTime();
    long t1;
    long t2;
    try (ClampedEnergy clamped = energy.clamp(batch.input())) {
      Optional<Dynamics.FusedPhases> fused = settings.clampedOutput() || settings.nudgesBothWays()
          ? Optional.empty()
          : dynamics.fusedPhases(clamped, cost);
      int freeSteps;
      if (fused.isPresent()) {
        if (store != null) {
          store.load(batch.indices(), ph.free);
        }
        fused.get().run(batch.target(), beta, ph.free, ph.nudged, settings.freeSteps(), settings.nudgedSteps(),
            store == null, ph.energy, ph.classes);
        freeSteps = settings.freeSteps();
      } else {
        startFree(store, batch, ph);
        freeSteps = dynamics.relax(clamped, cost, batch.target(), 0f, ph.free, settings.freeSteps());
        clamped.energy(ph.free, ph.energy);
        backend.argmaxRows(ph.free.output(), ph.classes);
      }
      report = report(ph, batch, freeSteps, deferred);
      if (store != null) {
        store.store(batch.indices(), ph.free);
      }
      t1 = System.nanoTime();
      if (fused.isEmpty()) {
        secondPhases(clamped, batch, beta, ph);
      }
      t2 = System.nanoTime();
      update(clamped, ph, beta, batch.size());
    }
    times.freeNanos += t1 - t0;
    times.nudgedNanos += t2 - t1;
    times.updateNanos += System.nanoTime() - t2;
    times.steps++;
    return report;
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
    for (Parameter p : energy.parameters()) {
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
   * tensor per parameter in the model's order; they are overwritten by the next call or training
   * step. For contrastive Hebbian learning, its update direction ({@code beta} is then unused).
   */
  public List<Tensor> estimateGradient(Batch batch, float beta) {
    if (beta == 0f) {
      throw new IllegalArgumentException("beta must be non-zero");
    }
    Phases ph = phases(batch.size());
    try (ClampedEnergy clamped = energy.clamp(batch.input())) {
      startFree(particles, batch, ph);
      dynamics.relax(clamped, cost, batch.target(), 0f, ph.free, settings.freeSteps());
      secondPhases(clamped, batch, beta, ph);
      contrast(clamped, ph, beta, batch.size());
    }
    return List.copyOf(gradients);
  }

  private void startFree(Particles store, Batch batch, Phases ph) {
    if (store != null) {
      store.load(batch.indices(), ph.free);
    } else {
      ph.free.clear(backend);
    }
  }

  /**
   * From the free fixed point in {@code ph.free}: the clamped phase (CHL), or the nudged phase at
   * {@code beta} and, centered, the one at {@code −beta}.
   */
  private void secondPhases(ClampedEnergy clamped, Batch batch, float beta, Phases ph) {
    if (settings.clampedOutput()) {
      clampedPhase(clamped, batch, ph.free, ph.nudged);
    } else {
      nudgedPhase(clamped, batch, beta, ph.free, ph.nudged);
      if (settings.nudgesBothWays()) {
        nudgedPhase(clamped, batch, -beta, ph.free, ph.nudgedNegative);
      }
    }
  }

  /** A nudged phase at {@code beta} from the free fixed point {@code free}, into {@code into}. */
  private void nudgedPhase(ClampedEnergy clamped, Batch batch, float beta, State free, State into) {
    into.copyFrom(backend, free);
    dynamics.relax(clamped, cost, batch.target(), beta, into, settings.nudgedSteps());
  }

  /**
   * The clamped phase of contrastive Hebbian learning: from {@code free}, the output held at the
   * target after every step (so the hidden layers always see it), into {@code into}.
   */
  private void clampedPhase(ClampedEnergy clamped, Batch batch, State free, State into) {
    into.copyFrom(backend, free);
    backend.copy(batch.target(), into.output());
    for (int t = 0; t < settings.nudgedSteps(); t++) {
      dynamics.relax(clamped, cost, null, 0f, into, 1);
      backend.copy(batch.target(), into.output());
    }
  }

  /**
   * Applies the step: where the optimizer is plain gradient descent and the energy takes
   * per-parameter scales, the contrast goes straight into the parameters; otherwise into {@link
   * #gradients}, then through the optimizer.
   */
  private void update(ClampedEnergy clamped, Phases ph, float beta, int batchSize) {
    List<Parameter> parameters = energy.parameters();
    Optional<float[]> rates = optimizer.descentRates(parameters);
    if (rates.isPresent()) {
      float[] scales = rates.get();
      float c = contrastScale(beta, batchSize);
      List<Tensor> values = new ArrayList<>(parameters.size());
      for (int i = 0; i < scales.length; i++) {
        scales[i] *= -c;
        values.add(parameters.get(i).value());
      }
      if (clamped.addScaledContrast(ph.nudged, contrastPartner(ph), scales, values)) {
        return;
      }
    }
    contrast(clamped, ph, beta, batchSize);
    optimizer.step(parameters, gradients);
  }

  /** The state the nudged (or clamped) state is contrasted with: the free one, or the negative nudge. */
  private State contrastPartner(Phases ph) {
    return settings.nudgesBothWays() ? ph.nudgedNegative : ph.free;
  }

  /** The factor that turns the contrast into the gradient estimate. */
  private float contrastScale(float beta, int batchSize) {
    if (settings.clampedOutput()) {
      return 1f / batchSize;
    }
    return settings.nudgesBothWays() ? 1f / (2 * beta * batchSize) : 1f / (beta * batchSize);
  }

  /** The gradient estimate into {@link #gradients}: one-sided, or centered from the two nudged phases. */
  private void contrast(ClampedEnergy clamped, Phases ph, float beta, int batchSize) {
    zeroGradients();
    clamped.accumulateContrast(ph.nudged, contrastPartner(ph), contrastScale(beta, batchSize), gradients);
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
    backend.argmaxRows(ph.free.output(), out);
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
      p.nudged.close();
      if (p.nudgedNegative != null) {
        p.nudgedNegative.close();
      }
      p.energy.close();
      p.classes.close();
    }
    phases.clear();
  }

  private final class Phases {
    final State free;
    final State nudged;
    final State nudgedNegative;
    final Tensor classes;
    final Tensor energy;

    Phases(int batch) {
      free = State.zeros(backend, batch, EquilibriumPropagation.this.energy.stateSizes());
      nudged = State.zeros(backend, batch, EquilibriumPropagation.this.energy.stateSizes());
      nudgedNegative = settings.nudgesBothWays() ? State.zeros(backend, batch, EquilibriumPropagation.this.energy.stateSizes()) : null;
      classes = backend.zeros(batch, 1);
      energy = backend.zeros(batch, 1);
    }
  }
}
