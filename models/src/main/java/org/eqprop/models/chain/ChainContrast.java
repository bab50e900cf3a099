package org.eqprop.models.chain;

import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;

import java.util.List;

/**
 * The learning rule's update of a layered hard-sigmoid network fused into a few backend kernels
 * (a kernel a backend offers through {@link org.eqprop.api.tensor.Backend#extension}): from two states {@code a} and {@code b} of the free layers
 * {@code 1…N} (the nudged and the free fixed point, say) and the clamped input's {@code ρ(x)},
 * for every layer {@code k}
 *
 * <pre>
 *   W_k += w_k·(ρ(a_{k−1})ᵀρ(a_k) − ρ(b_{k−1})ᵀρ(b_k))      (a₀ = b₀ = ρ(x))
 *   b_k += c_k·Σ_rows (ρ(a_k) − ρ(b_k))
 * </pre>
 *
 * with {@code ρ = clip(·, 0, 1)}: the contrast of the layered Hopfield energy's parameter
 * gradients, {@code ∂E/∂θ(b) − ∂E/∂θ(a)}, scaled. The result equals that of the core operations
 * (clip, sub, gemm, sumRows, axpy) up to float rounding.
 */
public interface ChainContrast {

  /**
   * Adds the scaled contrast of {@code a} and {@code b} to {@code weights} and {@code biases}.
   *
   * @param rhoX {@code batch × n₀}, {@code ρ} of the clamped input
   * @param a the first state's free layers {@code a₁ … a_N}, {@code batch × n_k}
   * @param b the second state's, shaped as {@code a}
   * @param weightScales {@code w₁ … w_N}
   * @param biasScales {@code c₁ … c_N}
   * @param weights {@code n_{k−1} × n_k} tensors to add to (the weights, or buffers of their shape)
   * @param biases {@code 1 × n_k} tensors to add to
   */
  void add(Tensor rhoX, List<Tensor> a, List<Tensor> b, float[] weightScales, float[] biasScales,
      List<Tensor> weights, List<Tensor> biases);

  /**
   * Checks the arguments of {@link #add} as every implementation must, with the same messages.
   *
   * @return the layer sizes {@code n₀ … n_N}
   * @throws IllegalArgumentException when the lists' or arrays' lengths disagree
   * @throws ShapeMismatchException when a tensor's shape does not fit
   */
  static int[] check(Tensor rhoX, List<Tensor> a, List<Tensor> b, float[] weightScales, float[] biasScales,
      List<Tensor> weights, List<Tensor> biases) {
    int depth = a.size();
    if (depth == 0 || b.size() != depth || weights.size() != depth || biases.size() != depth
        || weightScales.length != depth || biasScales.length != depth) {
      throw new IllegalArgumentException("chain-contrast: " + depth + " layers in the first state need as many in the"
          + " second, weight and bias tensors and scales, got " + b.size() + ", " + weights.size() + ", "
          + biases.size() + ", " + weightScales.length + " and " + biasScales.length);
    }
    int batch = rhoX.rows();
    int[] n = new int[depth + 1];
    n[0] = rhoX.cols();
    for (int k = 1; k <= depth; k++) {
      n[k] = a.get(k - 1).cols();
      Shapes.requireShape("chain-contrast a" + k, a.get(k - 1), batch, n[k]);
      Shapes.requireShape("chain-contrast b" + k, b.get(k - 1), batch, n[k]);
      Shapes.requireShape("chain-contrast W" + k, weights.get(k - 1), n[k - 1], n[k]);
      Shapes.requireShape("chain-contrast bias " + k, biases.get(k - 1), 1, n[k]);
    }
    return n;
  }
}
