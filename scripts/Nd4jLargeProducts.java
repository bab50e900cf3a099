import static org.bytedeco.openblas.global.openblas_nolapack.*;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The products of a {@code paper-1h} minibatch of B samples outside its relaxation, the input drive
 * {@code x·W₁} (B × 784 × 500) and the contrast {@code xᵀ·Δ} (784 × B × 500, left operand
 * transposed), three rounds each: ND4J's bundled OpenBLAS through {@code cblas_sgemm} on one
 * thread and on two, then libnd4j's matmul op with the oneDNN helper on two OpenMP threads (as the
 * nd4j backend runs them from 2^22 multiply-adds). Prints microseconds a product. Build first,
 * then: {@code OMP_WAIT_POLICY=PASSIVE java -cp "runner/target/lib/*" scripts/Nd4jLargeProducts.java 256}
 */
public class Nd4jLargeProducts {
  public static void main(String[] a) {
    if (a.length != 1) {
      System.err.println("usage: java -cp \"runner/target/lib/*\" scripts/Nd4jLargeProducts.java B");
      System.exit(2);
    }
    int b = Integer.parseInt(a[0]);
    Nd4j.getEnvironment().setMaxThreads(2);
    Nd4j.getEnvironment().setMaxMasterThreads(2);
    org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(2);
    INDArray x = Nd4j.rand(DataType.FLOAT, b, 784), d = Nd4j.rand(DataType.FLOAT, b, 500);
    INDArray w = Nd4j.zeros(DataType.FLOAT, 784, 500), h = Nd4j.zeros(DataType.FLOAT, b, 500);
    FloatPointer px = (FloatPointer) x.data().addressPointer(), pd = (FloatPointer) d.data().addressPointer();
    FloatPointer pw = (FloatPointer) w.data().addressPointer(), ph = (FloatPointer) h.data().addressPointer();
    Mmul contrast = new Mmul(x, d, w, 0.5, 1.0, MMulTranspose.builder().transposeA(true).build());
    Mmul drive = new Mmul(x, w, h, 1.0, 0.0, MMulTranspose.builder().build());
    for (int round = 0; round < 3; round++) {
      for (int threads = 1; threads <= 2; threads++) {
        Nd4j.factory().blas().setMaxThreads(threads);
        time("drive, cblas on " + threads, () -> cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, 500, 784, 1f,
            px, 784, pw, 500, 0f, ph, 500));
        time("contrast, cblas on " + threads, () -> cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, 784, 500, b,
            0.5f, px, 784, pd, 500, 1f, pw, 500));
      }
      Nd4j.factory().blas().setMaxThreads(1);
      Nd4j.getEnvironment().allowHelpers(true);
      time("drive, oneDNN on 2", () -> Nd4j.exec(drive));
      time("contrast, oneDNN on 2", () -> Nd4j.exec(contrast));
      Nd4j.getEnvironment().allowHelpers(false);
    }
  }

  private static void time(String label, Runnable product) {
    for (int i = 0; i < 50; i++) {
      product.run();
    }
    int n = 300;
    long t = System.nanoTime();
    for (int i = 0; i < n; i++) {
      product.run();
    }
    System.out.printf("B × 784 × 500 %s: %.1f us%n", label, (System.nanoTime() - t) / 1e3 / n);
  }
}
