package org.eqprop.api.compose;

import java.util.List;
import org.eqprop.api.Parameter;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * One energy term of a composed energy, on one or two of its layers: dense weights between two
 * layers, a bias on one, or a term of a plug-in's own. The composed energy sums the terms and the
 * free layers' {@code ½‖s‖²}; each term supplies its energy, its drive on each layer it touches and
 * its parameters' gradient, all in terms of the layers' activations {@code ρ(s)}. A term is checked
 * once against finite differences (the model test kit), and every network built from it inherits
 * the check.
 *
 * <p>Activations are passed as one list indexed like the network's layers, clamped layers included
 * ({@code ρ(x)} for the input); a term reads only the entries of its own {@link #layers()}.
 */
public interface Interaction extends AutoCloseable {

  /** The type this term was declared with, e.g. {@code dense}. */
  String type();

  /** The indices, in the network's list of layers, of the layers this term touches (one or two). */
  int[] layers();

  /** The trainable parameters, in a fixed order; their names are unique within the network. */
  List<Parameter> parameters();

  /**
   * Work tensors for batches of {@code batch} samples; the composed energy keeps one per batch size
   * and closes it with the network.
   */
  Term term(Backend backend, int batch);

  /** Releases the parameters. */
  @Override
  void close();

  /** The term's computations for one batch size. */
  interface Term extends AutoCloseable {

    /**
     * Called once per input batch, when the clamped layers' activations in {@code rho} are set:
     * work that depends only on them and the parameters (the input's drive {@code ρ(x)·W}) is done
     * here, once, instead of at every step.
     */
    void clamp(List<Tensor> rho);

    /** {@code out[i] += E_term(sample i)}; {@code out} is {@code batch × 1}. */
    void addEnergy(List<Tensor> rho, Tensor out);

    /**
     * {@code into += −∂E_term/∂ρ(s_layer)}, the drive this term puts on one of its free layers
     * ({@code batch × units}). The composed energy's state gradient is then {@code s − ρ'(s) ⊙ Σ
     * drives}.
     */
    void addDrive(List<Tensor> rho, int layer, Tensor into);

    /**
     * {@code into[j] += scales[j] · ∂E_term/∂θ_j}, summed over the batch, for this term's
     * parameters in the order of {@link Interaction#parameters()}.
     */
    void addParameterGradient(List<Tensor> rho, float[] scales, List<Tensor> into);

    /**
     * {@code into[j] += scales[j] · (∂E_term/∂θ_j(a) − ∂E_term/∂θ_j(b))}: the contrast learning
     * rules need. By default two gradients; a term overrides it where the difference is cheaper
     * (for example where one layer is the same clamped input in both states).
     */
    default void addContrast(List<Tensor> a, List<Tensor> b, float[] scales, List<Tensor> into) {
      addParameterGradient(a, scales, into);
      float[] negated = new float[scales.length];
      for (int j = 0; j < scales.length; j++) {
        negated[j] = -scales[j];
      }
      addParameterGradient(b, negated, into);
    }

    /** Releases the work tensors. */
    @Override
    void close();
  }
}
