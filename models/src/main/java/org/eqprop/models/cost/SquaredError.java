package org.eqprop.models.cost;

import org.eqprop.api.Cost;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;

/** {@code C(y, d) = ½ ‖y − d‖²} per sample; {@code ∂C/∂y = y − d}. Named {@code squared-error}. */
public final class SquaredError implements Cost {
  /** The cost's name. */
  public static final String NAME = "squared-error";

  private final Backend backend;

  /** A squared-error cost computing on {@code backend}. */
  public SquaredError(Backend backend) {
    this.backend = backend;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void value(Tensor output, Tensor target, Tensor out) {
    Shapes.requireSame("squared-error", output, target);
    Shapes.requireShape("squared-error", out, output.rows(), 1);
    try (Tensor diff = backend.zeros(output.rows(), output.cols())) {
      backend.sub(output, target, diff);
      backend.rowDot(diff, diff, out);
      backend.scale(0.5f, out, out);
    }
  }

  @Override
  public void gradient(Tensor output, Tensor target, Tensor grad) {
    Shapes.requireSame("squared-error", output, target);
    backend.sub(output, target, grad);
  }
}
