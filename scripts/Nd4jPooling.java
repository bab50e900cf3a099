import org.eqprop.api.tensor.HostPooling;
import org.eqprop.api.tensor.PoolGeometry;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling on {@code conv-mnist}'s first pooled layer (batch 50, 32×24×24, 2×2 windows) on one
 * thread, two rounds: the {@code nd4j} backend's way (the generic form: the input copied to the
 * host, {@code HostPooling}, the output and selection copied back; the unpooling the same way), and
 * the libnd4j ops a native path would be built from, with ND4J's oneDNN helpers allowed: {@code
 * maxpool2d} (the values only), the index of each window's largest value ({@code argmax} over a
 * strided view of the windows), the values picked by their offsets ({@code gather}), and the
 * unpooling as {@code scatter_add}. Prints milliseconds a call. Build first, then:
 * {@code java -cp "runner/target/lib/*" scripts/Nd4jPooling.java}
 */
public class Nd4jPooling {
  public static void main(String[] a) {
    Nd4j.getEnvironment().setMaxThreads(1);
    Nd4j.getEnvironment().setMaxMasterThreads(1);
    org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    Nd4j.getEnvironment().allowHelpers(true);
    int n = 50;
    int c = 32;
    int h = 24;
    int w = 24;
    PoolGeometry g = new PoolGeometry(c, h, w, 2, true);
    int in = g.inUnits();
    int out = g.outUnits();
    INDArray input = Nd4j.rand(DataType.FLOAT, n, in);
    INDArray pooled = Nd4j.create(DataType.FLOAT, n, out);
    INDArray selection = Nd4j.create(DataType.FLOAT, n, out);
    INDArray feedback = Nd4j.create(DataType.FLOAT, n, in);
    INDArray windows = Nd4j.create(input.data(), new long[] {n, c, g.outHeight(), g.outWidth(), 2, 2},
        new long[] {(long) c * h * w, (long) h * w, 2L * w, 2, w, 1}, 0, 'c');
    float[] host = new float[n * in];
    float[] hostOut = new float[n * out];
    float[] hostSelection = new float[n * out];
    HostPooling.pool(input.data().asFloat(), g, n, hostOut, hostSelection);
    INDArray offsets = Nd4j.create(DataType.INT, n * out);
    int[] at = new int[n * out];
    for (int i = 0; i < at.length; i++) {
      at[i] = (i / out) * in + (int) hostSelection[i];
    }
    offsets.data().setData(at);
    for (int round = 0; round < 2; round++) {
      time("host pool", () -> {
        input.data().asNioFloat().get(0, host);
        HostPooling.pool(host, g, n, hostOut, hostSelection);
        pooled.data().asNioFloat().put(0, hostOut);
        selection.data().asNioFloat().put(0, hostSelection);
      });
      time("host unpool", () -> {
        pooled.data().asNioFloat().get(0, hostOut);
        selection.data().asNioFloat().get(0, hostSelection);
        HostPooling.unpool(hostOut, hostSelection, g, n, 0f, host);
        feedback.data().asNioFloat().put(0, host);
      });
      time("maxpool2d", () -> Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(input.reshape(n, c, h, w))
          .addOutputs(pooled.reshape(n, c, g.outHeight(), g.outWidth()))
          .addIntegerArguments(2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 0).build()));
      time("argmax", () -> Nd4j.argMax(windows, 4, 5).close());
      time("gather", () -> Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(input.reshape(n * in), offsets)
          .addOutputs(pooled.reshape(n * out)).addIntegerArguments(0).build()));
      time("scatter_add", () -> Nd4j.exec(DynamicCustomOp.builder("scatter_add")
          .addInputs(feedback.reshape(n * in), offsets, pooled.reshape(n * out)).addOutputs(feedback.reshape(n * in))
          .callInplace(true).build()));
    }
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
