package org.eqprop.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The products of the paper's 784-500-10 network: {@code m x k x n}, with {@code T} marking a
 * transposed first ({@code Ta}) or second ({@code Tb}) operand.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GemmBenchmark {
  /** The backend measured. */
  @Param({"ejml", "nd4j"})
  public String backend;

  /** The product: input drive, W1 update, the two relaxation products, the batch-256 drive. */
  @Param({"20x784x500", "784x20x500Ta", "20x500x10", "20x10x500Tb", "256x784x500"})
  public String shape;

  private Backend be;
  private Tensor a;
  private Tensor b;
  private Tensor c;
  private boolean ta;
  private boolean tb;

  /** Creates the operands. */
  @Setup
  public void setup() {
    be = Backends.create(backend);
    ta = shape.endsWith("Ta");
    tb = shape.endsWith("Tb");
    String[] d = shape.replace("Ta", "").replace("Tb", "").split("x");
    int m = Integer.parseInt(d[0]);
    int k = Integer.parseInt(d[1]);
    int n = Integer.parseInt(d[2]);
    a = random(ta ? k : m, ta ? m : k);
    b = random(tb ? n : k, tb ? k : n);
    c = be.zeros(m, n);
  }

  private Tensor random(int rows, int cols) {
    SplittableRandom r = new SplittableRandom(rows * 31L + cols);
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextDouble();
    }
    return be.fromHost(v, rows, cols);
  }

  /** {@code c = a·b} (operands transposed as the shape says). */
  @Benchmark
  public Tensor gemm() {
    be.gemm(1f, a, ta, b, tb, 0f, c);
    return c;
  }

  /** Releases the backend. */
  @TearDown
  public void tearDown() {
    be.close();
  }
}
