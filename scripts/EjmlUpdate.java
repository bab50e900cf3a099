import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.backend.ejml.EjmlBackendProvider;
import org.eqprop.models.chain.ChainContrast;

/**
 * The {@code ejml} backend's products and update of a {@code paper-1h} minibatch of B real MNIST
 * images outside the relaxation, on T threads: the input drive {@code x·W₁} (B × 784 × 500), the
 * first layer's contrast {@code xᵀ·Δ} (784 × B × 500), and the whole update of the 784-500-10
 * network from two states, once through the {@code ChainContrast} kernel and once through the
 * operations it replaces (clips, difference, a product per weight matrix and state, column sums,
 * axpys), on states as a relaxation leaves them (most units at 0 or 1). Prints microseconds a call, three rounds. Build first, then:
 * {@code java --add-modules jdk.incubator.vector -cp "runner/target/lib/*" scripts/EjmlUpdate.java 20 2}
 */
public class EjmlUpdate {
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: java --add-modules jdk.incubator.vector -cp \"runner/target/lib/*\" "
          + "scripts/EjmlUpdate.java B THREADS");
      System.exit(2);
    }
    int batch = Integer.parseInt(args[0]);
    int[] n = {784, 500, 10};
    byte[] pixels;
    try (DataInputStream in = new DataInputStream(
        new GZIPInputStream(new FileInputStream("data/mnist/train-images-idx3-ubyte.gz")))) {
      in.readInt();
      int count = in.readInt();
      in.readInt();
      in.readInt();
      pixels = new byte[count * 784];
      in.readFully(pixels);
    }
    Backend be = new EjmlBackendProvider().create(Map.of("threads", args[1]));
    Random random = new Random(2);
    int minibatches = 50;
    Tensor[] xs = new Tensor[minibatches];
    for (int q = 0; q < minibatches; q++) {
      float[] v = new float[batch * 784];
      for (int i = 0; i < v.length; i++) {
        v[i] = (pixels[q * batch * 784 + i] & 0xff) / 255f;
      }
      xs[q] = be.fromHost(v, batch, 784);
    }
    List<Tensor> a = new ArrayList<>(), b = new ArrayList<>(), w = new ArrayList<>(), c = new ArrayList<>();
    List<Tensor> ra = new ArrayList<>(), rb = new ArrayList<>(), diff = new ArrayList<>(), sum = new ArrayList<>();
    for (int k = 1; k < n.length; k++) {
      a.add(be.fromHost(settled(random, batch * n[k]), batch, n[k]));
      b.add(be.fromHost(settled(random, batch * n[k]), batch, n[k]));
      w.add(be.fromHost(uniform(random, n[k - 1] * n[k], -0.05f, 0.05f), n[k - 1], n[k]));
      c.add(be.zeros(1, n[k]));
      ra.add(be.zeros(batch, n[k]));
      rb.add(be.zeros(batch, n[k]));
      diff.add(be.zeros(batch, n[k]));
      sum.add(be.zeros(1, n[k]));
    }
    Tensor h = be.zeros(batch, 500);
    float[] scales = {1e-6f, 1e-6f};
    int[] q = {0};
    ChainContrast kernel = be.extension(ChainContrast.class).orElseThrow(
        () -> new IllegalStateException("no ChainContrast: start the JVM with --add-modules jdk.incubator.vector"));
    Runnable drive = () -> be.gemm(1f, xs[q[0]++ % minibatches], false, w.get(0), false, 0f, h);
    Runnable contrast = () -> be.gemm(1e-6f, xs[q[0]++ % minibatches], true, diff.get(0), false, 1f, w.get(0));
    Runnable fused = () -> kernel.add(xs[q[0]++ % minibatches], a, b, scales, scales, w, c);
    Runnable operations = () -> {
      Tensor x = xs[q[0]++ % minibatches];
      for (int k = 0; k < 2; k++) {
        be.clip(a.get(k), 0f, 1f, ra.get(k));
        be.clip(b.get(k), 0f, 1f, rb.get(k));
        be.sub(ra.get(k), rb.get(k), diff.get(k));
        be.sumRows(diff.get(k), sum.get(k));
        be.axpy(scales[k], sum.get(k), c.get(k));
      }
      be.gemm(scales[0], x, true, diff.get(0), false, 1f, w.get(0));
      be.gemm(scales[1], ra.get(0), true, ra.get(1), false, 1f, w.get(1));
      be.gemm(-scales[1], rb.get(0), true, rb.get(1), false, 1f, w.get(1));
    };
    for (int round = 0; round < 3; round++) {
      time("drive x·W1", batch, drive);
      time("contrast xᵀ·Δ", batch, contrast);
      time("update, ChainContrast", batch, fused);
      time("update, the operations", batch, operations);
    }
    System.exit(0);
  }

  private static float[] uniform(Random random, int size, float from, float to) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = from + (to - from) * random.nextFloat();
    }
    return v;
  }

  /** States as a relaxation leaves them: half the units at 0, a third at 1, the rest between. */
  private static float[] settled(Random random, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      float r = random.nextFloat();
      v[i] = r < 0.5f ? 0f : r < 0.83f ? 1f : random.nextFloat();
    }
    return v;
  }

  private static void time(String label, int batch, Runnable call) {
    for (int i = 0; i < 2000; i++) {
      call.run();
    }
    int calls = 3000;
    long t = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      call.run();
    }
    System.out.printf("B = %d, %-24s %8.1f us%n", batch, label, (System.nanoTime() - t) / 1e3 / calls);
  }
}
