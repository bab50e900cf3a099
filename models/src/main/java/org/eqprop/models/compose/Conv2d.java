package org.eqprop.models.compose;

import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.Parameter;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.ConvGeometry;
import org.eqprop.api.tensor.PoolGeometry;
import org.eqprop.api.tensor.Tensor;

/**
 * A 2-D convolution {@code W} between an image layer {@code i} ({@code C × H × W} units, channel by
 * channel) and layer {@code j} ({@code C' × H' × W'}), as {@link ConvGeometry} lays them out:
 *
 * <pre>
 *   E = −⟨conv(ρ(s_i), W), ρ(s_j)⟩      drives: conv(ρ(s_i), W) on layer j, convᵀ(ρ(s_j), W) on layer i
 *   ∂E/∂W = −Σ_samples correlation of ρ(s_i)'s patches with ρ(s_j)
 * </pre>
 *
 * the conv Hopfield networks' feed-forward and feedback connections (Ernoult et al. 2019). With a
 * pooling {@code P} (max or average) the pooled convolution drives layer {@code j}, as in the conv
 * EP codebases: {@code E = −⟨P(conv(ρ(s_i), W)), ρ(s_j)⟩}, and the feedback and the weight gradient
 * go back through the pooling's selection ({@code Pᵀ}). Where layer {@code i} is the clamped input
 * its drive is computed once per batch. The operations are the backend's ({@link Backend#conv2d},
 * {@link Backend#conv2dTranspose}, {@link Backend#conv2dWeightGradient}, {@link Backend#pool},
 * {@link Backend#unpool}). Type {@code conv2d}.
 */
public final class Conv2d implements Interaction {
  /** The type name. */
  public static final String TYPE = "conv2d";

  private final int from;
  private final int to;
  private final boolean fromClamped;
  private final ConvGeometry geometry;
  private final PoolGeometry pool;
  private final Parameter weights;

  /**
   * @param layers the network's layers
   * @param from the image layer {@code i}
   * @param to the layer {@code j} the convolution drives
   * @param geometry the convolution; its input size must be layer i's
   * @param pool the pooling of the convolution's output, or null; the (pooled) output's size must be
   *     layer j's
   * @param weights {@code outChannels × kernelSize}
   */
  public Conv2d(List<Layer> layers, int from, int to, ConvGeometry geometry, PoolGeometry pool, Parameter weights) {
    if (from == to) {
      throw new IllegalArgumentException("conv2d " + weights.name() + " joins layer " + from + " to itself");
    }
    if (layers.get(to).clamped()) {
      throw new IllegalArgumentException("conv2d " + weights.name() + " drives the clamped input layer " + to
          + ": the input must be its first layer");
    }
    if (pool != null && (pool.channels() != geometry.outChannels() || pool.height() != geometry.outHeight()
        || pool.width() != geometry.outWidth())) {
      throw new IllegalArgumentException("conv2d " + weights.name() + ": " + pool + " does not match the convolution's "
          + "output " + geometry.outChannels() + "x" + geometry.outHeight() + "x" + geometry.outWidth());
    }
    int outUnits = pool == null ? geometry.outUnits() : pool.outUnits();
    if (layers.get(from).units() != geometry.inUnits() || layers.get(to).units() != outUnits) {
      String output = pool == null
          ? geometry.outChannels() + "x" + geometry.outHeight() + "x" + geometry.outWidth()
          : pool.channels() + "x" + pool.outHeight() + "x" + pool.outWidth() + " after " + pool;
      throw new IllegalArgumentException("conv2d " + weights.name() + " (" + geometry + ", output " + output
          + ") needs layers of " + geometry.inUnits() + " and " + outUnits + " units, got " + layers.get(from).units()
          + " and " + layers.get(to).units());
    }
    Tensor w = weights.value();
    if (w.rows() != geometry.outChannels() || w.cols() != geometry.kernelSize()) {
      throw new IllegalArgumentException("conv2d " + weights.name() + " needs a " + geometry.outChannels() + "x"
          + geometry.kernelSize() + " weight matrix, got " + w.rows() + "x" + w.cols());
    }
    this.from = from;
    this.to = to;
    this.fromClamped = layers.get(from).clamped();
    this.geometry = geometry;
    this.pool = pool;
    this.weights = weights;
  }

  /**
   * Weights {@code U(±1/sqrt(inChannels · kernel²))}, PyTorch's default for a convolution, drawn
   * row by row from {@code random}.
   */
  public static Conv2d uniform(Backend backend, List<Layer> layers, int from, int to, ConvGeometry geometry,
      PoolGeometry pool, String name, int group, RandomGenerator random) {
    float[] w = new float[geometry.outChannels() * geometry.kernelSize()];
    double limit = 1 / Math.sqrt(geometry.kernelSize());
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) ((2 * random.nextDouble() - 1) * limit);
    }
    return new Conv2d(layers, from, to, geometry, pool,
        new Parameter(name, group, backend.fromHost(w, geometry.outChannels(), geometry.kernelSize())));
  }

  /** The convolution's geometry. */
  public ConvGeometry geometry() {
    return geometry;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public int[] layers() {
    return new int[] {from, to};
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(weights);
  }

  @Override
  public Term term(Backend backend, int batch) {
    return new ConvTerm(backend, batch);
  }

  @Override
  public void close() {
    weights.value().close();
  }

  private final class ConvTerm implements Term {
    private final Backend backend;
    private final Tensor w;
    /** conv(ρ(s_i), W): kept from {@link #clamp} when layer i is the input, else recomputed. */
    private final Tensor conv;
    /** P(conv(ρ(s_i), W)) and the selection of each window (max pooling), where there is a pooling. */
    private final Tensor pooled;
    private final Tensor selection;
    /** Pᵀ(ρ(s_j)): layer j's activations sent back through the pooling. */
    private final Tensor back;
    private final Tensor perSample;

    ConvTerm(Backend backend, int batch) {
      this.backend = backend;
      this.w = weights.value();
      this.conv = backend.zeros(batch, geometry.outUnits());
      this.pooled = pool == null ? null : backend.zeros(batch, pool.outUnits());
      this.selection = pool == null || !pool.max() ? null : backend.zeros(batch, pool.outUnits());
      this.back = pool == null ? null : backend.zeros(batch, geometry.outUnits());
      this.perSample = backend.zeros(batch, 1);
    }

    @Override
    public void clamp(List<Tensor> rho) {
      if (fromClamped) {
        compute(rho);
      }
    }

    private void compute(List<Tensor> rho) {
      backend.conv2d(rho.get(from), w, geometry, 0f, conv);
      if (pool != null) {
        backend.pool(conv, pool, pooled, selection);
      }
    }

    /**
     * Set by the drive on layer i, which computes the forward pass for the pooling's selection: the
     * composed energy asks for the drive on layer j as its very next call, with the same states, and
     * that call reuses the pass instead of computing the convolution a second time. Any other call
     * clears it.
     */
    private boolean fresh;

    /** Layer j's drive, {@code P(conv(ρ(s_i), W))}, with the pooling's selection for these states. */
    private Tensor forward(List<Tensor> rho) {
      return forward(rho, false);
    }

    private Tensor forward(List<Tensor> rho, boolean reuse) {
      if (!fromClamped && !(reuse && fresh)) {
        compute(rho);
      }
      fresh = false;
      return pool == null ? conv : pooled;
    }

    /** {@code Pᵀ(ρ(s_j))} by the selection of these states, or {@code ρ(s_j)} without a pooling. */
    private Tensor backward(List<Tensor> rho) {
      if (pool == null) {
        return rho.get(to);
      }
      forward(rho);
      backend.unpool(rho.get(to), selection, pool, 0f, back);
      return back;
    }

    @Override
    public void addEnergy(List<Tensor> rho, Tensor out) {
      backend.rowDot(forward(rho), rho.get(to), perSample);
      backend.axpy(-1f, perSample, out);
    }

    @Override
    public void addDrive(List<Tensor> rho, int layer, Tensor into) {
      if (layer == to) {
        backend.axpy(1f, forward(rho, true), into);
      } else if (layer == from) {
        backend.conv2dTranspose(backward(rho), w, geometry, 1f, into);
        fresh = pool != null;
      } else {
        throw new IllegalArgumentException("conv2d " + weights.name() + " does not touch layer " + layer);
      }
    }

    @Override
    public void addParameterGradient(List<Tensor> rho, float[] scales, List<Tensor> into) {
      backend.conv2dWeightGradient(rho.get(from), backward(rho), geometry, -scales[0], into.get(0));
    }

    @Override
    public void close() {
      for (Tensor t : new Tensor[] {conv, pooled, selection, back, perSample}) {
        if (t != null) {
          t.close();
        }
      }
    }
  }
}
