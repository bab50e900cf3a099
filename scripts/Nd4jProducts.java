import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.bytedeco.javacpp.FloatPointer;
import static org.bytedeco.openblas.global.openblas_nolapack.*;
/**
 * One thread's row-major float product (ROWS x 500) * (500 x COLS) on ND4J's buffers, the right
 * operand stored transposed with a third argument {@code t}, three rounds: ND4J's bundled OpenBLAS
 * through cblas_sgemm (as the nd4j backend calls it; its kernels follow OPENBLAS_CORETYPE), then
 * libnd4j's matmul op with the oneDNN helper. Prints microseconds and GFLOP/s. Build first, then:
 * {@code java -cp "runner/target/lib/*" scripts/Nd4jProducts.java 256 500 [t]}
 */
public class Nd4jProducts {
  public static void main(String[] a) {
    if (a.length < 2 || a.length > 3 || a.length == 3 && !a[2].equals("t")) {
      System.err.println("usage: java -cp \"runner/target/lib/*\" scripts/Nd4jProducts.java ROWS COLS [t]");
      System.exit(2);
    }
    int m = Integer.parseInt(a[0]), k = 500, n = Integer.parseInt(a[1]);
    boolean tb = a.length == 3;
    Nd4j.getEnvironment().setMaxThreads(1);
    Nd4j.getEnvironment().setMaxMasterThreads(1);
    org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    Nd4j.factory().blas().setMaxThreads(1);
    INDArray x = Nd4j.rand(DataType.FLOAT, m, k), w = tb ? Nd4j.rand(DataType.FLOAT, n, k) : Nd4j.rand(DataType.FLOAT, k, n), z = Nd4j.zeros(DataType.FLOAT, m, n);
    Mmul op = new Mmul(x, w, z, 0.5, 1.0, MMulTranspose.builder().transposeB(tb).build());
    FloatPointer px = (FloatPointer) x.data().addressPointer(), pw = (FloatPointer) w.data().addressPointer(), pz = (FloatPointer) z.data().addressPointer();
    for (int round = 0; round < 3; round++) {
      report("cblas", m, k, n, () -> cblas_sgemm(CblasRowMajor, CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 0.5f, px, k, pw, tb ? k : n, 1f, pz, n));
      Nd4j.getEnvironment().allowHelpers(true);
      report("onednn matmul op", m, k, n, () -> Nd4j.exec(op));
      Nd4j.getEnvironment().allowHelpers(false);
    }
  }

  /** Runs {@code product} a quarter of the timed count untimed, then times it and prints its rate. */
  private static void report(String label, int m, int k, int n, Runnable product) {
    int reps = (int) Math.max(200, 4e9 / (2.0 * m * k * n));
    for (int r = 0; r < reps / 4; r++) {
      product.run();
    }
    long t = System.nanoTime();
    for (int r = 0; r < reps; r++) {
      product.run();
    }
    double s = (System.nanoTime() - t) / 1e9 / reps;
    System.out.printf("m=%d %s: %.1f us, %.1f GFLOP/s%n", m, label, s * 1e6, 2.0 * m * k * n / s / 1e9);
  }
}
