import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One thread's libnd4j convolution ops on the JAX reference network's second convolution (batch
 * 100, 32×12×12 → 64×8×8, 5×5, NCHW, weights [oC, iC, kH, kW]) with ND4J's oneDNN helpers allowed,
 * two rounds: the convolution ({@code conv2d}), its transpose by {@code deconv2d} and by {@code
 * conv2d_input_bp}, and both gradients ({@code conv2d_bp}). Prints milliseconds a call. Build
 * first, then: {@code java -cp "runner/target/lib/*" scripts/Nd4jConv.java}
 */
public class Nd4jConv {
  public static void main(String[] a) {
    Nd4j.getEnvironment().setMaxThreads(1);
    Nd4j.getEnvironment().setMaxMasterThreads(1);
    org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    Nd4j.factory().blas().setMaxThreads(1);
    Nd4j.getEnvironment().allowHelpers(true);
    int n = 100;
    INDArray in = Nd4j.rand(DataType.FLOAT, n, 32, 12, 12);
    INDArray w = Nd4j.rand(DataType.FLOAT, 64, 32, 5, 5);
    INDArray out = Nd4j.zeros(DataType.FLOAT, n, 64, 8, 8);
    INDArray gin = Nd4j.zeros(DataType.FLOAT, n, 32, 12, 12);
    INDArray gw = Nd4j.zeros(DataType.FLOAT, 64, 32, 5, 5);
    INDArray shape = Nd4j.createFromArray(new long[] {n, 32, 12, 12});
    // kH, kW, sH, sW, pH, pW, dH, dW, same mode, NCHW, weight format 1 (as the nd4j backend calls them)
    int[] args = {5, 5, 1, 1, 0, 0, 1, 1, 0, 0, 1};
    for (int round = 0; round < 2; round++) {
      time("conv2d", () -> Nd4j.exec(op("conv2d", args, new INDArray[] {in, w}, out)));
      time("deconv2d", () -> Nd4j.exec(op("deconv2d", args, new INDArray[] {out, w}, gin)));
      time("conv2d_input_bp", () -> Nd4j.exec(op("conv2d_input_bp", args, new INDArray[] {shape, w, out}, gin)));
      time("conv2d_bp", () -> Nd4j.exec(op("conv2d_bp", args, new INDArray[] {in, w, out}, gin, gw)));
    }
  }

  private static DynamicCustomOp op(String name, int[] args, INDArray[] inputs, INDArray... outputs) {
    return DynamicCustomOp.builder(name).addInputs(inputs).addOutputs(outputs).addIntegerArguments(args).build();
  }

  /** Three untimed calls, then the mean of ten. */
  private static void time(String label, Runnable call) {
    for (int i = 0; i < 3; i++) {
      call.run();
    }
    long start = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      call.run();
    }
    System.out.printf("%-16s %8.2f ms%n", label, (System.nanoTime() - start) / 1e7);
  }
}
