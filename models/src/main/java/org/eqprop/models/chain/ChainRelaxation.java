package org.eqprop.models.chain;

import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;

import java.util.List;

/**
 * The paper's relaxation of a layered network fused into one backend kernel (a kernel a backend offers through {@link org.eqprop.api.tensor.Backend#extension}). Layers {@code 1…N} are free, layer 0 is the clamped input, whose
 * contribution arrives precomputed as {@code drive = ρ(x)·W₁}. Each of {@code steps} synchronous
 * steps sets, for every layer at once from the old state,
 *
 * <pre>
 *   p_k = b_k + [k = 1] drive + [k &gt; 1] ρ(s_{k−1})·W_k + [k &lt; N] ρ(s_{k+1})·W_{k+1}ᵀ
 *   g_k = s_k − ρ'(s_k)⊙p_k + [k = N] β·(s_N − target)
 *   s_k ← clip(s_k − eps·g_k, 0, 1)
 * </pre>
 *
 * with {@code ρ = clip(·, 0, 1)} and {@code ρ' = 1} on {@code [0, 1]}, 0 elsewhere: the gradient
 * dynamics of the layered Hopfield energy plus {@code β} times the squared-error cost. {@link
 * #energy} evaluates that energy in one pass. The results equal those of the core operations up to
 * float rounding.
 */
public interface ChainRelaxation {

  /**
   * Runs {@code steps} steps in place on {@code layers}.
   *
   * @param drive {@code batch × n₁}, the input's contribution {@code ρ(x)·W₁}
   * @param weights {@code W₂ … W_N}, {@code W_k} of shape {@code n_{k−1} × n_k} (empty for one free layer)
   * @param biases {@code b₁ … b_N}, {@code 1 × n_k}
   * @param target {@code batch × n_N}; may be null when {@code beta == 0}
   * @param beta the nudging strength
   * @param eps the step size
   * @param layers the free layers {@code s₁ … s_N}, {@code batch × n_k}, replaced by the relaxed state
   * @param steps number of steps, {@code ≥ 0}
   */
  void relax(
      Tensor drive,
      List<Tensor> weights,
      List<Tensor> biases,
      Tensor target,
      float beta,
      float eps,
      List<Tensor> layers,
      int steps);

  /**
   * The layered Hopfield energy of every sample (the cost not included):
   *
   * <pre>
   *   E = Σ_k (½‖s_k‖² − b_k·ρ(s_k)) − drive·ρ(s₁) − Σ_{k&gt;1} ρ(s_{k−1})·W_k·ρ(s_k)
   * </pre>
   *
   * @param drive {@code batch × n₁}, the input's contribution {@code ρ(x)·W₁}
   * @param weights {@code W₂ … W_N} as for {@link #relax}
   * @param biases {@code b₁ … b_N}, {@code 1 × n_k}
   * @param layers the free layers {@code s₁ … s_N}, {@code batch × n_k}; not changed
   * @param out {@code batch × 1}, overwritten with each sample's energy
   */
  void energy(Tensor drive, List<Tensor> weights, List<Tensor> biases, List<Tensor> layers, Tensor out);

  /**
   * Checks the arguments of {@link #energy} as every implementation must, with the same messages.
   *
   * @return the layer sizes {@code n₁ … n_N}
   */
  static int[] checkEnergy(Tensor drive, List<Tensor> weights, List<Tensor> biases, List<Tensor> layers,
      Tensor out) {
    int[] n = check(drive, weights, biases, null, 0f, layers, 0);
    Shapes.requireShape("chain-relaxation energy", out, drive.rows(), 1);
    return n;
  }

  /**
   * Checks the arguments of {@link #relax} as every implementation must, with the same messages.
   *
   * @return the layer sizes {@code n₁ … n_N}
   * @throws IllegalArgumentException when the lists' lengths disagree, {@code steps < 0}, or a
   *     nudged phase has no target
   * @throws ShapeMismatchException when a tensor's shape does not fit
   */
  static int[] check(Tensor drive, List<Tensor> weights, List<Tensor> biases, Tensor target, float beta,
      List<Tensor> layers, int steps) {
    int depth = layers.size();
    if (depth == 0 || weights.size() != depth - 1 || biases.size() != depth) {
      throw new IllegalArgumentException(
          "chain-relaxation: " + depth + " layers need " + Math.max(depth - 1, 0)
              + " weight matrices and " + depth + " bias vectors, got " + weights.size()
              + " and " + biases.size());
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    if (beta != 0f && target == null) {
      throw new IllegalArgumentException("a nudged phase (beta != 0) needs a target");
    }
    int batch = drive.rows();
    int[] n = new int[depth];
    for (int k = 0; k < depth; k++) {
      n[k] = layers.get(k).cols();
      Shapes.requireShape("chain-relaxation layer " + (k + 1), layers.get(k), batch, n[k]);
      Shapes.requireShape("chain-relaxation b" + (k + 1), biases.get(k), 1, n[k]);
      if (k > 0) {
        Shapes.requireShape("chain-relaxation W" + (k + 1), weights.get(k - 1), n[k - 1], n[k]);
      }
    }
    Shapes.requireShape("chain-relaxation drive", drive, batch, n[0]);
    if (beta != 0f) {
      Shapes.requireShape("chain-relaxation target", target, batch, n[depth - 1]);
    }
    return n;
  }
}
