package org.eqprop.models.compose;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Energy;
import org.eqprop.api.Parameter;
import org.eqprop.api.State;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;

/**
 * An energy composed from layers and interactions:
 *
 * <pre>
 *   E(s) = Σ_{free k} ½‖s_k‖² + Σ_terms E_term(ρ(s)),   ρ(s) = clip(s, 0, 1)
 * </pre>
 *
 * with layer 0 the clamped input and every other layer free (the last one the output). The state
 * gradient is {@code ∂E/∂s_k = s_k − ρ'(s_k) ⊙ Σ drives_k}, each term giving its drive on the layers
 * it touches; the parameter gradient is each term's own. Parameters are ordered as the interactions
 * are listed, each interaction's in its own order. Any dynamics, learner, gradient check and
 * checkpoint work on it; fast paths recognise particular compositions (see {@code
 * org.eqprop.models.chain.DenseChain}).
 */
public final class ComposedEnergy implements Energy {
  private final Backend backend;
  private final List<Layer> layers;
  private final List<Interaction> interactions;
  private final List<Parameter> parameters;
  private final int[] firstParameter;
  private final int[] sizes;
  private final Map<Integer, Deque<Scratch>> pool = new HashMap<>();

  /**
   * @param layers the input layer first (clamped), then the free layers, the output last
   * @param interactions the energy terms; their parameter names must be unique
   * @throws IllegalArgumentException when the layers or interactions do not form a network, naming
   *     the problem
   */
  public ComposedEnergy(Backend backend, List<Layer> layers, List<Interaction> interactions) {
    this.backend = backend;
    this.layers = List.copyOf(layers);
    this.interactions = List.copyOf(interactions);
    validate(this.layers, this.interactions);
    sizes = this.layers.stream().mapToInt(Layer::units).toArray();
    List<Parameter> all = new ArrayList<>();
    firstParameter = new int[this.interactions.size() + 1];
    for (int i = 0; i < this.interactions.size(); i++) {
      firstParameter[i] = all.size();
      all.addAll(this.interactions.get(i).parameters());
    }
    firstParameter[this.interactions.size()] = all.size();
    parameters = List.copyOf(all);
  }

  private static void validate(List<Layer> layers, List<Interaction> interactions) {
    if (layers.size() < 2) {
      throw new IllegalArgumentException(
          "a network needs at least an input and an output layer, got " + layers.size() + " layer(s)");
    }
    Set<String> names = new HashSet<>();
    for (int k = 0; k < layers.size(); k++) {
      Layer l = layers.get(k);
      if (!names.add(l.name())) {
        throw new IllegalArgumentException("two layers are named " + l.name());
      }
      if (l.clamped() != (k == 0)) {
        throw new IllegalArgumentException(k == 0
            ? "the first layer (" + l.name() + ") must be the clamped input"
            : "only the first layer may be clamped, but layer " + k + " (" + l.name() + ") is");
      }
    }
    Set<String> parameterNames = new HashSet<>();
    for (Interaction in : interactions) {
      boolean touchesFree = false;
      for (int k : in.layers()) {
        if (k < 0 || k >= layers.size()) {
          throw new IllegalArgumentException(
              "interaction " + in.type() + " names layer " + k + " of a network of " + layers.size() + " layers");
        }
        touchesFree |= !layers.get(k).clamped();
      }
      if (!touchesFree) {
        throw new IllegalArgumentException("interaction " + in.type() + " on layers " + Arrays.toString(in.layers())
            + " touches no free layer");
      }
      for (Parameter p : in.parameters()) {
        if (!parameterNames.add(p.name())) {
          throw new IllegalArgumentException("two parameters are named " + p.name());
        }
      }
    }
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public int[] layerSizes() {
    return sizes.clone();
  }

  /** The layers, input first. */
  public List<Layer> layers() {
    return layers;
  }

  /** The interactions, in the order their parameters are listed. */
  public List<Interaction> interactions() {
    return interactions;
  }

  /** The index in {@link #parameters()} of interaction {@code i}'s first parameter. */
  public int firstParameter(int i) {
    return firstParameter[i];
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }

  @Override
  public Clamped clamp(Tensor x) {
    Shapes.requireShape("clamp", x, x.rows(), sizes[0]);
    Deque<Scratch> free = pool.computeIfAbsent(x.rows(), b -> new ArrayDeque<>());
    Scratch scratch = free.isEmpty() ? new Scratch(x.rows()) : free.pop();
    return new Clamped(x, scratch);
  }

  @Override
  public void close() {
    for (Deque<Scratch> d : pool.values()) {
      d.forEach(Scratch::close);
    }
    pool.clear();
    interactions.forEach(Interaction::close);
  }

  /** Per-batch-size work tensors and terms, reused across clamps. */
  private final class Scratch implements AutoCloseable {
    final int batch;
    final List<Tensor> rhoA;
    final List<Tensor> rhoB;
    final Tensor[] mask;
    final Tensor perSample;
    final List<Interaction.Term> terms = new ArrayList<>();

    Scratch(int batch) {
      this.batch = batch;
      Tensor rhoX = backend.zeros(batch, sizes[0]);
      List<Tensor> a = new ArrayList<>();
      List<Tensor> b = new ArrayList<>();
      a.add(rhoX);
      b.add(rhoX);
      mask = new Tensor[sizes.length];
      for (int k = 1; k < sizes.length; k++) {
        a.add(backend.zeros(batch, sizes[k]));
        b.add(backend.zeros(batch, sizes[k]));
        mask[k] = backend.zeros(batch, sizes[k]);
      }
      rhoA = List.copyOf(a);
      rhoB = List.copyOf(b);
      perSample = backend.zeros(batch, 1);
      for (Interaction in : interactions) {
        terms.add(in.term(backend, batch));
      }
    }

    @Override
    public void close() {
      terms.forEach(Interaction.Term::close);
      rhoA.forEach(Tensor::close);
      for (int k = 1; k < sizes.length; k++) {
        rhoB.get(k).close();
        mask[k].close();
      }
      perSample.close();
    }
  }

  /** The energy with one input batch clamped. */
  public final class Clamped implements ClampedEnergy {
    private final Scratch sc;
    private boolean closed;

    Clamped(Tensor x, Scratch scratch) {
      this.sc = scratch;
      backend.clip(x, 0f, 1f, sc.rhoA.get(0));
      for (Interaction.Term t : sc.terms) {
        t.clamp(sc.rhoA);
      }
    }

    /** The composed energy this is a clamp of. */
    public ComposedEnergy energy() {
      return ComposedEnergy.this;
    }

    /** {@code ρ(x)}, the clamped input's activation ({@code batch × units}). */
    public Tensor input() {
      return sc.rhoA.get(0);
    }

    /** Interaction {@code i}'s work for this batch, as its {@link Interaction#term} made it. */
    public Interaction.Term term(int i) {
      return sc.terms.get(i);
    }

    @Override
    public int batchSize() {
      return sc.batch;
    }

    private void requireState(State s) {
      if (s.size() != sizes.length - 1) {
        throw new IllegalArgumentException("state has " + s.size() + " layers, the network " + (sizes.length - 1));
      }
      for (int k = 0; k < s.size(); k++) {
        Shapes.requireShape("state layer " + (k + 1), s.layer(k), sc.batch, sizes[k + 1]);
      }
    }

    private List<Tensor> rho(State s, List<Tensor> into) {
      requireState(s);
      for (int k = 0; k < s.size(); k++) {
        backend.clip(s.layer(k), 0f, 1f, into.get(k + 1));
      }
      return into;
    }

    @Override
    public void energy(State s, Tensor out) {
      List<Tensor> rho = rho(s, sc.rhoA);
      Shapes.requireShape("energy", out, sc.batch, 1);
      backend.fill(out, 0f);
      for (int k = 0; k < s.size(); k++) {
        backend.rowDot(s.layer(k), s.layer(k), sc.perSample);
        backend.axpy(0.5f, sc.perSample, out);
      }
      for (Interaction.Term t : sc.terms) {
        t.addEnergy(rho, out);
      }
    }

    @Override
    public void stateGradient(State s, State grad) {
      List<Tensor> rho = rho(s, sc.rhoA);
      requireState(grad);
      for (int k = 0; k < s.size(); k++) {
        if (grad.layer(k) == s.layer(k)) {
          throw new IllegalArgumentException("stateGradient: grad must not alias the state");
        }
        backend.fill(grad.layer(k), 0f);
      }
      for (int i = 0; i < interactions.size(); i++) {
        for (int k : interactions.get(i).layers()) {
          if (k > 0) {
            sc.terms.get(i).addDrive(rho, k, grad.layer(k - 1));
          }
        }
      }
      for (int k = 0; k < s.size(); k++) {
        Tensor g = grad.layer(k);
        backend.indicator(s.layer(k), 0f, 1f, sc.mask[k + 1]);
        backend.mul(g, sc.mask[k + 1], g);
        backend.sub(s.layer(k), g, g);
      }
    }

    private void requireGrads(List<Tensor> grads) {
      if (grads.size() != parameters.size()) {
        throw new IllegalArgumentException(
            "expected " + parameters.size() + " gradient tensors, got " + grads.size());
      }
      for (int i = 0; i < grads.size(); i++) {
        Shapes.requireSame("gradient of " + parameters.get(i).name(), parameters.get(i).value(), grads.get(i));
      }
    }

    @Override
    public void accumulateParameterGradient(State s, float scale, List<Tensor> grads) {
      List<Tensor> rho = rho(s, sc.rhoA);
      requireGrads(grads);
      float[] scales = new float[grads.size()];
      Arrays.fill(scales, scale);
      for (int i = 0; i < interactions.size(); i++) {
        int from = firstParameter[i];
        int to = firstParameter[i + 1];
        sc.terms.get(i).addParameterGradient(rho, Arrays.copyOfRange(scales, from, to), grads.subList(from, to));
      }
    }

    @Override
    public void accumulateContrast(State a, State b, float scale, List<Tensor> grads) {
      float[] scales = new float[grads.size()];
      Arrays.fill(scales, scale);
      addScaledContrast(a, b, scales, grads);
    }

    /**
     * {@code into[i] += scales[i] · (∂E/∂θ_i(a) − ∂E/∂θ_i(b))}: the contrast with one scale per
     * parameter, which lets a learner add a plain gradient step to the parameters themselves ({@code
     * into} the parameters' values) without a gradient buffer in between.
     */
    public void addScaledContrast(State a, State b, float[] scales, List<Tensor> into) {
      List<Tensor> rhoA = rho(a, sc.rhoA);
      List<Tensor> rhoB = rho(b, sc.rhoB);
      requireGrads(into);
      if (scales.length != into.size()) {
        throw new IllegalArgumentException(
            "contrast: " + into.size() + " tensors need as many scales, got " + scales.length);
      }
      for (int i = 0; i < interactions.size(); i++) {
        int from = firstParameter[i];
        int to = firstParameter[i + 1];
        sc.terms.get(i).addContrast(rhoA, rhoB, Arrays.copyOfRange(scales, from, to), into.subList(from, to));
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        pool.get(sc.batch).push(sc);
      }
    }
  }
}
