package org.eqprop.backend.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eqprop.api.State;
import org.eqprop.api.spi.Availability;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.HostRead;
import org.eqprop.api.tensor.ShapeMismatchException;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.chain.ChainContrast;
import org.eqprop.models.chain.ChainPhases;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.models.optim.AdamUpdate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every operation of {@link Backend} on the backend under test against a plain double-precision
 * reference, over shapes that include {@code 1×n}, {@code n×1}, non-square and transposed operands;
 * shape errors with their exact messages; the kernels the backend offers through {@link
 * Backend#extension}, each against the reference; and, inherited, the model checks. Each backend's
 * subclass declares the kernels it must offer ({@link #expectedExtensions()}), so a backend that
 * stops offering one fails here. The operations each test exercises are recorded, and after the
 * class the kit fails if any operation of the interface was never exercised.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceTest extends EquilibriumPropagationChecks {
  /** Operations that need no numeric check: identity and lifecycle. */
  private static final Set<String> NOT_NUMERIC = Set.of("name", "close");

  /** Shapes every element-wise operation is tried on. */
  private static final int[][] SHAPES = {{1, 7}, {7, 1}, {5, 3}, {3, 5}, {13, 17}, {64, 33}};

  /** Every kernel interface the kit knows how to check. */
  private static final List<Class<?>> KERNELS =
      List.of(ChainRelaxation.class, ChainPhases.class, ChainContrast.class, AdamUpdate.class);

  private final Set<String> covered = ConcurrentHashMap.newKeySet();

  /**
   * The kernels this backend must offer through {@link Backend#extension}, among {@link
   * ChainRelaxation}, {@link ChainPhases}, {@link ChainContrast} and {@link AdamUpdate}; it must
   * offer no other of these.
   */
  protected abstract Set<Class<?>> expectedExtensions();

  /** The backend offers exactly the declared kernels, and nothing for an interface it does not know. */
  @Test
  public void offersExactlyTheDeclaredExtensions() {
    for (Class<?> kernel : KERNELS) {
      assertEquals(expectedExtensions().contains(kernel), backend.extension(kernel).isPresent(),
          backend.name() + (expectedExtensions().contains(kernel) ? " no longer offers " : " offers the undeclared ")
              + kernel.getSimpleName());
    }
    assertTrue(KERNELS.containsAll(expectedExtensions()), "declared kernels the kit does not know: "
        + expectedExtensions());
    assertEquals(Optional.empty(), backend.extension(Runnable.class));
    covers("extension");
  }

  /** The kernel, where the backend offers it (the declaration is checked above). */
  private <T> Optional<T> kernel(Class<T> kernel) {
    covers("extension");
    return backend.extension(kernel);
  }

  private void covers(String... ops) {
    covered.addAll(Arrays.asList(ops));
  }

  /** Fails when an operation of {@link Backend} was exercised by no test. */
  @AfterAll
  void everyOperationWasTested() {
    Set<String> all = Arrays.stream(Backend.class.getMethods())
        .map(Method::getName)
        .filter(n -> !NOT_NUMERIC.contains(n))
        .collect(Collectors.toCollection(TreeSet::new));
    all.removeAll(covered);
    assertTrue(all.isEmpty(), "operations of Backend no test exercised: " + all);
  }

  private float[] random(int n, double lo, double hi) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (lo + (hi - lo) * random.nextDouble());
    }
    return v;
  }

  private Tensor tensor(float[] v, int rows, int cols) {
    return backend.fromHost(v, rows, cols);
  }

  private static void assertClose(double[] expected, float[] actual, double tolerance, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double tol = tolerance * Math.max(1, Math.abs(expected[i]));
      assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
          what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
    }
  }

  @Test
  public void providerProbesWithoutThrowingAndNamesTheBackend() {
    Availability a = provider().probe();
    assertTrue(a.available(), "the kit runs where the backend is available: " + a.reason());
    assertEquals(provider().name(), backend.name());
  }

  @Test
  public void hostTransfersRoundTripExactly() {
    for (int[] s : SHAPES) {
      float[] v = random(s[0] * s[1], -3, 3);
      Tensor t = tensor(v, s[0], s[1]);
      assertEquals(s[0], t.rows());
      assertEquals(s[1], t.cols());
      assertArrayEquals(v, backend.toHost(t));
      float[] w = random(v.length, -1, 1);
      backend.upload(w, t);
      float[] back = new float[v.length];
      backend.download(t, back);
      assertArrayEquals(w, back);
      Tensor z = backend.zeros(s[0], s[1]);
      assertArrayEquals(new float[v.length], backend.toHost(z));
      backend.copy(t, z);
      assertArrayEquals(w, backend.toHost(z));
      backend.fill(z, 2.5f);
      float[] filled = new float[v.length];
      Arrays.fill(filled, 2.5f);
      assertArrayEquals(filled, backend.toHost(z));
      t.close();
      z.close();
    }
    covers("zeros", "fromHost", "upload", "download", "toHost", "copy", "fill");
  }

  @Test
  public void gemmMatchesTheReferenceForEveryTransposition() {
    int[][] mkn = {{1, 7, 5}, {5, 7, 1}, {6, 1, 4}, {20, 33, 10}, {33, 20, 47}, {64, 65, 3}, {37, 90, 150}, {150, 40, 10}};
    for (int[] d : mkn) {
      int m = d[0], k = d[1], n = d[2];
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          checkGemm(m, k, n, ta, tb, random(m * k, -1, 1));
        }
      }
    }
    covers("gemm");
  }

  /**
   * Products whose {@code op(a)} is 0 in whole columns — the blank pixels of a batch of images,
   * which a backend might skip as the reference BLAS skips zero terms — on shapes on both sides of
   * the row counts where the backends change strategy.
   */
  @Test
  public void gemmWithBlankColumnsInOpAMatchesTheReference() {
    int[][] mkn = {{1, 50, 33}, {20, 90, 150}, {40, 90, 70}, {7, 30, 64}};
    for (int[] d : mkn) {
      int m = d[0], k = d[1], n = d[2];
      for (boolean ta : new boolean[] {false, true}) {
        for (double blank : new double[] {0.6, 1.0}) {
          float[] a = random(m * k, -1, 1);
          for (int p = 0; p < k; p++) {
            if (p < blank * k && p % 5 != 4 || blank == 1.0) {
              for (int i = 0; i < m; i++) {
                a[ta ? p * m + i : i * k + p] = 0f;
              }
            }
          }
          checkGemm(m, k, n, ta, false, a);
        }
      }
    }
    covers("gemm");
  }

  /**
   * Products whose {@code op(a)} is mostly 0 in scattered places, as in a batch of images: zeros
   * shared by whole blocks of rows or by none, rows that are 0 throughout, and a NaN among the
   * zeros that must still reach {@code c}; row counts cover blocks of 8, 4 and single rows.
   */
  @Test
  public void gemmWithScatteredZerosInOpAMatchesTheReference() {
    int[][] mkn = {{13, 60, 40}, {29, 90, 70}, {100, 20, 70}, {45, 33, 17}};
    SplittableRandom r = new SplittableRandom(11);
    for (int[] d : mkn) {
      int m = d[0], k = d[1], n = d[2];
      for (boolean ta : new boolean[] {false, true}) {
        float[] a = random(m * k, -1, 1);
        for (int i = 0; i < m; i++) {
          for (int p = 0; p < k; p++) {
            boolean blankRow = i % 7 == 3;
            boolean blankColumn = p % 3 == 0 && i < m / 2;
            if (blankRow || blankColumn || r.nextDouble() < 0.7) {
              a[ta ? p * m + i : i * k + p] = r.nextBoolean() ? 0f : -0f;
            }
          }
        }
        checkGemm(m, k, n, ta, false, a);
      }
      float[] nan = new float[m * k];
      nan[(m - 1) * k + k / 2] = Float.NaN;
      try (Tensor ta_ = tensor(nan, m, k);
          Tensor tb_ = tensor(random(k * n, -1, 1), k, n);
          Tensor c = tensor(new float[m * n], m, n)) {
        backend.gemm(1f, ta_, false, tb_, false, 1f, c);
        float[] got = backend.toHost(c);
        for (int j = 0; j < n; j++) {
          assertTrue(Float.isNaN(got[(m - 1) * n + j]), "gemm " + m + "x" + k + "x" + n + ": NaN in op(a) lost at column " + j);
          assertEquals(0f, got[j], "gemm " + m + "x" + k + "x" + n + ": a row of zeros must add nothing");
        }
      }
    }
    covers("gemm");
  }

  private void checkGemm(int m, int k, int n, boolean ta, boolean tb, float[] a) {
    float[] b = random(k * n, -1, 1);
    float[] c0 = random(m * n, -1, 1);
    for (float[] ab : new float[][] {{1f, 0f}, {-0.5f, 1f}, {2f, 0.25f}}) {
      float alpha = ab[0], beta = ab[1];
      double[] expected = new double[m * n];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          for (int p = 0; p < k; p++) {
            double av = ta ? a[p * m + i] : a[i * k + p];
            double bv = tb ? b[j * k + p] : b[p * n + j];
            sum += av * bv;
          }
          expected[i * n + j] = alpha * sum + beta * c0[i * n + j];
        }
      }
      float[] cStart = c0.clone();
      if (beta == 0f) {
        Arrays.fill(cStart, Float.NaN); // beta = 0 ignores the old contents, NaN included
      }
      try (Tensor ta_ = tensor(a, ta ? k : m, ta ? m : k);
          Tensor tb_ = tensor(b, tb ? n : k, tb ? k : n);
          Tensor c = tensor(cStart, m, n)) {
        backend.gemm(alpha, ta_, ta, tb_, tb, beta, c);
        assertClose(expected, backend.toHost(c), 1e-5 * Math.sqrt(k),
            "gemm " + m + "x" + k + "x" + n + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : "") + " alpha " + alpha + " beta " + beta);
      }
    }
  }

  @Test
  public void gemmRefusesBadShapesAndAliasing() {
    try (Tensor a = backend.zeros(3, 4); Tensor b = backend.zeros(5, 2); Tensor c = backend.zeros(3, 2);
        Tensor sq = backend.zeros(3, 3)) {
      ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
          () -> backend.gemm(1f, a, false, b, false, 0f, c));
      assertEquals("gemm: op(a) 3x4 times op(b) 5x2 into c 3x2 (a 3x4, b 5x2)", e.getMessage());
      IllegalArgumentException alias = assertThrows(IllegalArgumentException.class,
          () -> backend.gemm(1f, sq, false, sq, false, 0f, sq));
      assertEquals("gemm: c must not alias a or b", alias.getMessage());
    }
  }

  private interface Binary {
    void apply(Tensor a, Tensor b, Tensor out);
  }

  private interface Reference {
    double apply(double a, double b);
  }

  private void checkBinary(String op, Binary f, Reference r) {
    checkElementWise(op, f, r);
    try (Tensor a = backend.zeros(2, 3); Tensor b = backend.zeros(3, 2); Tensor out = backend.zeros(2, 3)) {
      ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> f.apply(a, b, out));
      assertEquals(op + ": shapes differ: 2x3 vs 3x2", e.getMessage());
    }
  }

  private void checkElementWise(String op, Binary f, Reference r) {
    for (int[] s : SHAPES) {
      int n = s[0] * s[1];
      float[] a = random(n, -2, 2);
      float[] b = random(n, -2, 2);
      double[] expected = new double[n];
      for (int i = 0; i < n; i++) {
        expected[i] = r.apply(a[i], b[i]);
      }
      try (Tensor ta = tensor(a, s[0], s[1]); Tensor tb = tensor(b, s[0], s[1]); Tensor out = backend.zeros(s[0], s[1])) {
        f.apply(ta, tb, out);
        assertClose(expected, backend.toHost(out), 1e-6, op + " " + s[0] + "x" + s[1]);
        f.apply(ta, tb, ta); // in place
        assertClose(expected, backend.toHost(ta), 1e-6, op + " in place " + s[0] + "x" + s[1]);
      }
    }
    try (Tensor a = backend.zeros(2, 3); Tensor out = backend.zeros(3, 2)) {
      assertThrows(ShapeMismatchException.class, () -> f.apply(a, a, out), op + " into a tensor of another shape");
    }
    covers(op);
  }

  @Test
  public void elementWiseOperationsMatchTheReference() {
    checkBinary("add", backend::add, (a, b) -> a + b);
    checkBinary("sub", backend::sub, (a, b) -> a - b);
    checkBinary("mul", backend::mul, (a, b) -> a * b);
    checkBinary("div", backend::div, (a, b) -> a / b);
    checkElementWise("scale", (a, b, out) -> backend.scale(-1.5f, a, out), (a, b) -> -1.5 * a);
    checkElementWise("addScalar", (a, b, out) -> backend.addScalar(a, 0.75f, out), (a, b) -> a + 0.75);
    checkElementWise("sqrt", (a, b, out) -> {
      backend.mul(a, a, out);
      backend.sqrt(out, out);
    }, (a, b) -> Math.abs(a));
    checkElementWise("clip", (a, b, out) -> backend.clip(a, -0.5f, 1f, out), (a, b) -> Math.min(Math.max(a, -0.5), 1));
    checkElementWise("indicator", (a, b, out) -> backend.indicator(a, -0.5f, 1f, out), (a, b) -> a >= -0.5 && a <= 1 ? 1 : 0);
  }

  @Test
  public void indicatorIsOneOnTheClosedInterval() {
    try (Tensor a = tensor(new float[] {-0.001f, 0f, 0.5f, 1f, 1.001f}, 1, 5); Tensor out = backend.zeros(1, 5)) {
      backend.indicator(a, 0f, 1f, out);
      assertArrayEquals(new float[] {0, 1, 1, 1, 0}, backend.toHost(out));
    }
    covers("indicator");
  }

  @Test
  public void axpyAndRowVectorBroadcastMatchTheReference() {
    for (int[] s : SHAPES) {
      int n = s[0] * s[1];
      float[] x = random(n, -2, 2);
      float[] y = random(n, -2, 2);
      float[] row = random(s[1], -2, 2);
      double[] axpy = new double[n];
      double[] broadcast = new double[n];
      for (int i = 0; i < n; i++) {
        axpy[i] = y[i] + 0.75 * x[i];
        broadcast[i] = x[i] + (double) row[i % s[1]];
      }
      try (Tensor tx = tensor(x, s[0], s[1]); Tensor ty = tensor(y, s[0], s[1]); Tensor tr = tensor(row, 1, s[1]);
          Tensor out = backend.zeros(s[0], s[1])) {
        backend.axpy(0.75f, tx, ty);
        assertClose(axpy, backend.toHost(ty), 1e-6, "axpy " + s[0] + "x" + s[1]);
        backend.addRowVector(tx, tr, out);
        assertClose(broadcast, backend.toHost(out), 1e-6, "addRowVector " + s[0] + "x" + s[1]);
      }
    }
    try (Tensor a = backend.zeros(4, 3); Tensor col = backend.zeros(3, 1)) {
      ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> backend.addRowVector(a, col, a));
      assertEquals("addRowVector: expected a 1x3 row vector but got 3x1", e.getMessage());
    }
    covers("axpy", "addRowVector");
  }

  @Test
  public void reductionsMatchTheReference() {
    for (int[] s : SHAPES) {
      int rows = s[0], cols = s[1];
      float[] a = random(rows * cols, -2, 2);
      float[] b = random(rows * cols, -2, 2);
      double[] sums = new double[cols];
      double[] dots = new double[rows];
      int[] argmax = new int[rows];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          sums[j] += a[i * cols + j];
          dots[i] += (double) a[i * cols + j] * b[i * cols + j];
          if (a[i * cols + j] > a[i * cols + argmax[i]]) {
            argmax[i] = j;
          }
        }
      }
      try (Tensor ta = tensor(a, rows, cols); Tensor tb = tensor(b, rows, cols); Tensor sum = backend.zeros(1, cols);
          Tensor dot = backend.zeros(rows, 1)) {
        backend.sumRows(ta, sum);
        assertClose(sums, backend.toHost(sum), 1e-5 * Math.sqrt(rows), "sumRows " + rows + "x" + cols);
        backend.rowDot(ta, tb, dot);
        assertClose(dots, backend.toHost(dot), 1e-5 * Math.sqrt(cols), "rowDot " + rows + "x" + cols);
        int[] got = new int[rows];
        backend.argmaxRows(ta, got);
        assertArrayEquals(argmax, got, "argmaxRows " + rows + "x" + cols);
        assertArrayEquals(argmax, classes(ta), "argmaxRows into a tensor " + rows + "x" + cols);
      }
    }
    try (Tensor ties = tensor(new float[] {1, 3, 3, 2, 2, 0}, 2, 3)) {
      int[] got = new int[2];
      backend.argmaxRows(ties, got);
      assertArrayEquals(new int[] {1, 0}, got, "argmaxRows takes the first of equal maxima");
      assertArrayEquals(new int[] {1, 0}, classes(ties), "argmaxRows into a tensor takes the first of equal maxima");
    }
    try (Tensor a = backend.zeros(4, 3); Tensor wrong = backend.zeros(3, 1)) {
      ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> backend.sumRows(a, wrong));
      assertEquals("sumRows: expected 1x3 but got 3x1", e.getMessage());
      ShapeMismatchException e2 = assertThrows(ShapeMismatchException.class, () -> backend.argmaxRows(a, wrong));
      assertEquals("argmaxRows: expected 4x1 but got 3x1", e2.getMessage());
    }
    covers("sumRows", "rowDot", "argmaxRows");
  }

  /** {@link Backend#argmaxRows(Tensor, Tensor)} of {@code a}, read back as ints. */
  private int[] classes(Tensor a) {
    try (Tensor out = backend.zeros(a.rows(), 1)) {
      backend.argmaxRows(a, out);
      float[] values = backend.toHost(out);
      int[] classes = new int[values.length];
      for (int i = 0; i < values.length; i++) {
        assertEquals(Math.rint(values[i]), values[i], "a class is a whole number");
        classes[i] = (int) values[i];
      }
      return classes;
    }
  }

  @Test
  public void aReadLaterHoldsTheValuesOfWhenItWasIssued() {
    float[] first = random(37 * 5, -1, 1);
    float[] second = random(37 * 5, -1, 1);
    try (Tensor t = tensor(first, 37, 5); Tensor u = tensor(second, 37, 5)) {
      HostRead early = backend.readLater(t);
      backend.copy(u, t);
      backend.scale(2f, t, t);
      HostRead late = backend.readLater(t);
      backend.fill(t, 7f);
      assertArrayEquals(first, early.get(), "the values before the copy");
      float[] doubled = new float[second.length];
      for (int i = 0; i < second.length; i++) {
        doubled[i] = 2f * second[i];
      }
      assertArrayEquals(doubled, late.get(), "the values after the copy and the scaling");
      assertArrayEquals(first, early.get(), "asked again, the same values");
      assertEquals(7f, backend.toHost(t)[36 * 5 + 4]);
    }
    covers("readLater", "readsLater");
  }

  @Test
  public void rowsGatherAndScatterByIndex() {
    int rows = 9, cols = 4;
    float[] src = random(rows * cols, -1, 1);
    int[] idx = {8, 0, 3, 3};
    try (Tensor t = tensor(src, rows, cols); Tensor picked = backend.zeros(idx.length, cols);
        Tensor dst = backend.zeros(rows, cols)) {
      backend.gatherRows(t, idx, picked);
      float[] got = backend.toHost(picked);
      for (int r = 0; r < idx.length; r++) {
        assertArrayEquals(Arrays.copyOfRange(src, idx[r] * cols, idx[r] * cols + cols),
            Arrays.copyOfRange(got, r * cols, r * cols + cols), "gathered row " + r);
      }
      int[] targets = {2, 7, 5, 1};
      backend.scatterRows(picked, targets, dst);
      float[] out = backend.toHost(dst);
      for (int r = 0; r < rows; r++) {
        int from = Arrays.stream(targets).boxed().toList().indexOf(r);
        float[] expected = from < 0 ? new float[cols] : Arrays.copyOfRange(got, from * cols, from * cols + cols);
        assertArrayEquals(expected, Arrays.copyOfRange(out, r * cols, r * cols + cols), "scattered row " + r);
      }
      assertThrows(IndexOutOfBoundsException.class, () -> backend.gatherRows(t, new int[] {0, 9, 1, 2}, picked));
    }
    covers("gatherRows", "scatterRows");
  }

  /**
   * Convolution geometries with every awkward case: strides 1 and 2, padding 0–2, non-square, 1 and 3
   * channels, and one with more channels and output positions than a kernel block holds.
   */
  private static final int[][] CONVOLUTIONS = {
      // batch, in channels, height, width, out channels, kernel, stride, padding
      {1, 1, 5, 7, 2, 3, 1, 0}, {37, 3, 6, 6, 2, 3, 2, 1}, {4, 3, 7, 5, 4, 2, 2, 2}, {37, 1, 8, 9, 3, 5, 1, 2},
      {2, 2, 4, 4, 1, 1, 1, 0}, {3, 2, 10, 10, 40, 3, 1, 1}};

  /** The value of input pixel (c, y, x) of sample n, 0 in the padding. */
  private static double pixel(float[] in, org.eqprop.api.tensor.ConvGeometry g, int n, int c, int y, int x) {
    return y < 0 || y >= g.inHeight() || x < 0 || x >= g.inWidth() ? 0
        : in[n * g.inUnits() + (c * g.inHeight() + y) * g.inWidth() + x];
  }

  /**
   * The convolution, its transpose and its weight gradient match a double reference, and each
   * other's adjoints; the transpose and the weight gradient also from sparse outputs (three of
   * four values 0, as a max pooling's feedback has them; every other example entirely 0), which a
   * backend may take another way.
   */
  @Test
  public void convolutionsMatchTheReference() {
    for (int[] c : CONVOLUTIONS) {
      for (boolean sparse : new boolean[] {false, true}) {
        convolutionMatchesTheReference(c, sparse);
      }
    }
    try (Tensor x = backend.zeros(2, 10); Tensor weights = backend.zeros(2, 9); Tensor out = backend.zeros(2, 10)) {
      var g = new org.eqprop.api.tensor.ConvGeometry(1, 5, 5, 2, 3, 1, 0);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.conv2d(x, weights, g, 0f, out));
      assertEquals("conv2d of 1x5x5 -> 2 channels, kernel 3, stride 1, padding 0 needs input n x 25, weights 2 x 9 and "
          + "output n x 18, got 2 x 10, 2 x 9 and 2 x 10", e.getMessage());
    }
    covers("conv2d", "conv2dTranspose", "conv2dWeightGradient");
  }

  private void convolutionMatchesTheReference(int[] c, boolean sparse) {
    int batch = c[0];
    var g = new org.eqprop.api.tensor.ConvGeometry(c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
    int k = g.kernel();
    int ho = g.outHeight();
    int wo = g.outWidth();
    float[] in = random(batch * g.inUnits(), -1, 1);
    float[] w = random(g.outChannels() * g.kernelSize(), -1, 1);
    float[] before = random(batch * g.outUnits(), -1, 1);
    float[] grad = random(batch * g.outUnits(), -1, 1);
    if (sparse) {
      for (int i = 0; i < grad.length; i++) {
        int n = i / g.outUnits();
        if (n % 2 == 1 || (i * 7 + n) % 4 != 0) {
          grad[i] = 0f;
        }
      }
    }
    float[] inBefore = random(batch * g.inUnits(), -1, 1);
    double[] conv = new double[batch * g.outUnits()];
    double[] convT = new double[batch * g.inUnits()];
    double[] dw = new double[w.length];
    for (int n = 0; n < batch; n++) {
      for (int co = 0; co < g.outChannels(); co++) {
        for (int oy = 0; oy < ho; oy++) {
          for (int ox = 0; ox < wo; ox++) {
            int o = n * g.outUnits() + (co * ho + oy) * wo + ox;
            for (int ci = 0; ci < g.inChannels(); ci++) {
              for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                  int y = oy * g.stride() + ky - g.padding();
                  int x = ox * g.stride() + kx - g.padding();
                  int wi = co * g.kernelSize() + ci * k * k + ky * k + kx;
                  double p = pixel(in, g, n, ci, y, x);
                  conv[o] += p * w[wi];
                  dw[wi] += p * grad[o];
                  if (y >= 0 && y < g.inHeight() && x >= 0 && x < g.inWidth()) {
                    convT[n * g.inUnits() + (ci * g.inHeight() + y) * g.inWidth() + x] += grad[o] * (double) w[wi];
                  }
                }
              }
            }
          }
        }
      }
    }
    String what = "conv " + g + ", batch " + batch + (sparse ? ", sparse outputs" : "");
    try (Tensor x = tensor(in, batch, g.inUnits()); Tensor weights = tensor(w, g.outChannels(), g.kernelSize());
        Tensor out = tensor(before, batch, g.outUnits()); Tensor gt = tensor(grad, batch, g.outUnits());
        Tensor back = tensor(inBefore, batch, g.inUnits())) {
      backend.conv2d(x, weights, g, 0f, out);
      assertClose(conv, backend.toHost(out), 1e-5, what + ", conv2d");
      backend.upload(before, out);
      backend.conv2d(x, weights, g, 0.5f, out);
      assertClose(scaledPlus(0.5, before, conv), backend.toHost(out), 1e-5, what + ", conv2d with beta 0.5");
      backend.conv2dTranspose(gt, weights, g, 1f, back);
      assertClose(scaledPlus(1, inBefore, convT), backend.toHost(back), 1e-5, what + ", conv2dTranspose with beta 1");
      backend.conv2dTranspose(gt, weights, g, 0f, back);
      assertClose(convT, backend.toHost(back), 1e-5, what + ", conv2dTranspose");
      backend.conv2dWeightGradient(x, gt, g, -0.3f, weights);
      double[] updated = new double[w.length];
      for (int i = 0; i < w.length; i++) {
        updated[i] = w[i] - 0.3 * dw[i];
      }
      assertClose(updated, backend.toHost(weights), 1e-5, what + ", conv2dWeightGradient");
    }
    assertAdjoint(conv, grad, convT, in, what);
  }

  /** {@code beta·before + reference}, element by element: what an operation with {@code beta} leaves. */
  private static double[] scaledPlus(double beta, float[] before, double[] reference) {
    double[] out = new double[reference.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = beta * before[i] + reference[i];
    }
    return out;
  }

  /** The reference's adjoint identity {@code <op(x), g> = <x, opᵀ(g)>}. */
  private static void assertAdjoint(double[] op, float[] g, double[] transposed, float[] x, String what) {
    double left = 0;
    double right = 0;
    for (int i = 0; i < op.length; i++) {
      left += op[i] * g[i];
    }
    for (int i = 0; i < transposed.length; i++) {
      right += transposed[i] * x[i];
    }
    assertEquals(left, right, 1e-9 * Math.max(1, Math.abs(left)), what + ": the reference's adjoint");
  }

  /** Pooling geometries: windows of 2 and 3, sizes that leave a row or column out, 1 to 3 channels. */
  private static final int[][] POOLINGS = {{1, 3, 5, 7, 2}, {37, 1, 8, 8, 2}, {4, 2, 9, 6, 3}};

  /** Max and average pooling and their adjoints match a double reference, ties included. */
  @Test
  public void poolingMatchesTheReference() {
    for (int[] c : POOLINGS) {
      for (boolean max : new boolean[] {true, false}) {
        int batch = c[0];
        var g = new org.eqprop.api.tensor.PoolGeometry(c[1], c[2], c[3], c[4], max);
        int p = g.size();
        float[] in = random(batch * g.inUnits(), -1, 1);
        // ties, as a blank region of an image gives: windows of zeros select their first element
        java.util.Arrays.fill(in, 0, g.height() * g.width() / 2, 0f);
        float[] grad = random(batch * g.outUnits(), -1, 1);
        float[] before = random(batch * g.inUnits(), -1, 1);
        double[] pooled = new double[batch * g.outUnits()];
        double[] picked = new double[pooled.length];
        double[] back = new double[batch * g.inUnits()];
        for (int n = 0; n < batch; n++) {
          for (int ch = 0; ch < g.channels(); ch++) {
            for (int oy = 0; oy < g.outHeight(); oy++) {
              for (int ox = 0; ox < g.outWidth(); ox++) {
                int o = n * g.outUnits() + (ch * g.outHeight() + oy) * g.outWidth() + ox;
                int best = -1;
                double sum = 0;
                for (int dy = 0; dy < p; dy++) {
                  for (int dx = 0; dx < p; dx++) {
                    int at = (ch * g.height() + oy * p + dy) * g.width() + ox * p + dx;
                    sum += in[n * g.inUnits() + at];
                    if (best < 0 || in[n * g.inUnits() + at] > in[n * g.inUnits() + best]) {
                      best = at;
                    }
                  }
                }
                pooled[o] = max ? in[n * g.inUnits() + best] : sum / (p * p);
                picked[o] = best;
                for (int dy = 0; dy < p; dy++) {
                  for (int dx = 0; dx < p; dx++) {
                    int at = (ch * g.height() + oy * p + dy) * g.width() + ox * p + dx;
                    if (!max) {
                      back[n * g.inUnits() + at] += grad[o] / (double) (p * p);
                    } else if (at == best) {
                      back[n * g.inUnits() + at] += grad[o];
                    }
                  }
                }
              }
            }
          }
        }
        String what = g + ", batch " + batch;
        try (Tensor x = tensor(in, batch, g.inUnits()); Tensor out = backend.zeros(batch, g.outUnits());
            Tensor selection = max ? backend.zeros(batch, g.outUnits()) : null;
            Tensor gt = tensor(grad, batch, g.outUnits()); Tensor un = tensor(before, batch, g.inUnits())) {
          backend.pool(x, g, out, selection);
          assertClose(pooled, backend.toHost(out), 1e-6, what + ", pool");
          if (max) {
            assertClose(picked, backend.toHost(selection), 0, what + ", the selection");
          }
          backend.unpool(gt, selection, g, 1f, un);
          assertClose(scaledPlus(1, before, back), backend.toHost(un), 1e-6, what + ", unpool with beta 1");
          backend.unpool(gt, selection, g, 0f, un);
          assertClose(back, backend.toHost(un), 1e-6, what + ", unpool");
        }
        assertAdjoint(pooled, grad, back, in, what);
      }
    }
    try (Tensor x = backend.zeros(2, 16); Tensor out = backend.zeros(2, 4)) {
      var g = new org.eqprop.api.tensor.PoolGeometry(1, 4, 4, 2, true);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.pool(x, g, out, null));
      assertEquals("pool of max pooling 2x2 of 1x4x4 needs input n x 16, output n x 4 and a selection n x 4, got 2 x 16 "
          + "and 2 x 4 and no selection", e.getMessage());
    }
    covers("pool", "unpool");
  }

  /** An offered {@link AdamUpdate} matches the double reference. */
  @Test
  public void adamUpdateMatchesTheReference() {
    Optional<AdamUpdate> adam = kernel(AdamUpdate.class);
    if (adam.isEmpty()) {
      return;
    }
    int rows = 7, cols = 37;
    int n = rows * cols;
    float[] p = random(n, -1, 1), g = random(n, -1, 1), m = random(n, -0.1, 0.1), v = random(n, 0, 0.1);
    float lr = 0.01f, b1 = 0.9f, b2 = 0.99f, eps = 1e-3f, c1 = 0.19f, c2 = 0.0199f, wd = 0.05f;
    double[] ep = new double[n], em = new double[n], ev = new double[n];
    for (int i = 0; i < n; i++) {
      em[i] = b1 * (double) m[i] + (1 - b1) * (double) g[i];
      ev[i] = b2 * (double) v[i] + (1 - b2) * (double) g[i] * g[i];
      ep[i] = p[i] * (1 - (double) lr * wd) - lr / (double) c1 * em[i] / (Math.sqrt(ev[i]) / Math.sqrt(c2) + eps);
    }
    try (Tensor tp = tensor(p, rows, cols); Tensor tg = tensor(g, rows, cols); Tensor tm = tensor(m, rows, cols);
        Tensor tv = tensor(v, rows, cols)) {
      adam.get().update(tp, tg, tm, tv, lr, b1, b2, eps, c1, c2, wd);
      assertClose(em, backend.toHost(tm), 1e-6, "adam-update m");
      assertClose(ev, backend.toHost(tv), 1e-6, "adam-update v");
      assertClose(ep, backend.toHost(tp), 1e-5, "adam-update parameters");
      try (Tensor other = backend.zeros(cols, rows)) {
        assertThrows(ShapeMismatchException.class,
            () -> adam.get().update(tp, other, tm, tv, lr, b1, b2, eps, c1, c2, wd));
      }
    }
  }

  @Test
  public void softmaxOfEachRowMatchesTheReference() {
    for (int[] sh : SHAPES) {
      float[] v = random(sh[0] * sh[1], -20, 20);
      double[] expected = new double[v.length];
      for (int i = 0; i < sh[0]; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < sh[1]; j++) {
          max = Math.max(max, v[i * sh[1] + j]);
        }
        double sum = 0;
        for (int j = 0; j < sh[1]; j++) {
          sum += Math.exp(v[i * sh[1] + j] - max);
        }
        for (int j = 0; j < sh[1]; j++) {
          expected[i * sh[1] + j] = Math.exp(v[i * sh[1] + j] - max) / sum;
        }
      }
      try (Tensor t = tensor(v, sh[0], sh[1]); Tensor out = backend.zeros(sh[0], sh[1])) {
        backend.softmaxRows(t, out);
        assertClose(expected, backend.toHost(out), 1e-6, "softmaxRows " + sh[0] + "x" + sh[1]);
        backend.softmaxRows(t, t);
        assertClose(expected, backend.toHost(t), 1e-6, "softmaxRows in place " + sh[0] + "x" + sh[1]);
      }
    }
    covers("softmaxRows");
  }

  @Test
  public void crossEntropyValueAndGradientMatchTheReference() {
    int rows = 6, cols = 10;
    float[] y = random(rows * cols, 0, 1);
    int[] labels = {0, 3, 9, 9, 4, 1};
    double[][] d = Fixtures.oneHot(labels, cols);
    double[] value = new double[rows];
    double[] grad = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      double sum = 0;
      for (int j = 0; j < cols; j++) {
        sum += Math.exp(y[i * cols + j]);
      }
      value[i] = Math.log(sum) - y[i * cols + labels[i]];
      for (int j = 0; j < cols; j++) {
        grad[i * cols + j] = Math.exp(y[i * cols + j]) / sum - d[i][j];
      }
    }
    org.eqprop.models.cost.CrossEntropy ce = new org.eqprop.models.cost.CrossEntropy(backend);
    try (Tensor yt = tensor(y, rows, cols); Tensor dt = Fixtures.tensor(backend, d);
        Tensor c = backend.zeros(rows, 1); Tensor g = backend.zeros(rows, cols)) {
      ce.value(yt, dt, c);
      assertClose(value, backend.toHost(c), 1e-6, "cross-entropy value");
      ce.gradient(yt, dt, g);
      assertClose(grad, backend.toHost(g), 1e-6, "cross-entropy gradient");
    }
  }

  @Test
  public void softmaxReadoutMatchesTheReference() {
    // 37 rows and 13 units: uneven against every kernel's blocks; 4 classes
    int rows = 37, units = 13, classes = 4;
    float[] y = random(rows * units, 0, 1);
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) {
      labels[i] = (i * 7) % classes;
    }
    double[][] d = Fixtures.oneHot(labels, classes);
    org.eqprop.models.cost.SoftmaxReadout readout =
        new org.eqprop.models.cost.SoftmaxReadout(backend, units, classes, 2, new java.util.SplittableRandom(5));
    float[] w = backend.toHost(readout.parameters().get(0).value());
    float[] b = backend.toHost(readout.parameters().get(1).value());
    // the reference in double: z = yW + b, p = softmax(z), C = -log p_label, dC/dy = (p - d)W^T,
    // dC/dW = y^T(p - d), dC/db = sum of (p - d)
    double[] value = new double[rows];
    double[] dy = new double[rows * units];
    double[] dw = new double[units * classes];
    double[] db = new double[classes];
    double[] scores = new double[rows * classes];
    float scale = 0.25f;
    for (int i = 0; i < rows; i++) {
      double[] z = new double[classes];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        z[c] = b[c];
        for (int u = 0; u < units; u++) {
          z[c] += (double) y[i * units + u] * w[u * classes + c];
        }
        scores[i * classes + c] = z[c];
        max = Math.max(max, z[c]);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(z[c] - max);
      }
      value[i] = max + Math.log(sum) - z[labels[i]];
      for (int c = 0; c < classes; c++) {
        double e = Math.exp(z[c] - max) / sum - d[i][c];
        for (int u = 0; u < units; u++) {
          dy[i * units + u] += e * w[u * classes + c];
          dw[u * classes + c] += scale * y[i * units + u] * e;
        }
        db[c] += scale * e;
      }
    }
    try (Tensor yt = tensor(y, rows, units); Tensor dt = Fixtures.tensor(backend, d);
        Tensor c = backend.zeros(rows, 1); Tensor g = backend.zeros(rows, units);
        Tensor gw = backend.zeros(units, classes); Tensor gb = backend.zeros(1, classes)) {
      assertEquals(classes, readout.classes(units));
      assertClose(scores, backend.toHost(readout.scores(yt)), 1e-5, "softmax-readout scores");
      readout.value(yt, dt, c);
      assertClose(value, backend.toHost(c), 1e-5, "softmax-readout value");
      readout.gradient(yt, dt, g);
      assertClose(dy, backend.toHost(g), 1e-5, "softmax-readout gradient");
      readout.accumulateParameterGradient(yt, dt, scale, List.of(gw, gb));
      assertClose(dw, backend.toHost(gw), 1e-5, "softmax-readout weight gradient");
      assertClose(db, backend.toHost(gb), 1e-5, "softmax-readout bias gradient");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> readout.classes(12));
      assertEquals("the softmax readout reads 13 units but the output layer has 12", e.getMessage());
    }
  }

  @Test
  public void maxAbsFindsTheLargestMagnitude() {
    for (int[] sh : SHAPES) {
      float[] v = random(sh[0] * sh[1], -2, 2);
      double expected = 0;
      for (float x : v) {
        expected = Math.max(expected, Math.abs(x));
      }
      try (Tensor t = tensor(v, sh[0], sh[1])) {
        assertEquals((float) expected, backend.maxAbs(t), "maxAbs " + sh[0] + "x" + sh[1]);
        v[v.length / 2] = Float.NaN;
        backend.upload(v, t);
        assertTrue(Float.isNaN(backend.maxAbs(t)), "maxAbs with a NaN");
      }
    }
    covers("maxAbs");
  }

  @Test
  public void isFiniteSpotsNanAndInfinities() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      float[] v = random(35, -1, 1);
      try (Tensor t = tensor(v, 5, 7)) {
        assertTrue(backend.isFinite(t));
        v[34] = bad;
        backend.upload(v, t);
        assertFalse(backend.isFinite(t), "isFinite with " + bad);
      }
    }
    covers("isFinite");
  }

  /**
   * An offered {@link ChainRelaxation} matches the double reference's dynamics on nets whose layers
   * take both the row-sum and the dot-product forms, on a small batch and on one large enough to be
   * split (into parts that need not be equal).
   */
  @Test
  public void chainRelaxationMatchesTheReference() {
    Optional<ChainRelaxation> offered = kernel(ChainRelaxation.class);
    if (offered.isEmpty()) {
      return;
    }
    ChainRelaxation fused = offered.get();
    for (int batch : new int[] {9, 37}) {
      for (int[] sizes : new int[][] {{12, 80, 70, 5}, {12, 9, 40, 4}, {6, 3}}) {
        ReferenceHopfield ref = ReferenceHopfield.random(sizes, sizes[1], 0.6, 0.3);
        double[][] x = Fixtures.uniform(random, batch, sizes[0], 0, 1);
        double[][] d = Fixtures.randomOneHot(random, batch, sizes[sizes.length - 1]);
        double[][][] expected = Fixtures.roundToFloat(Fixtures.randomState(random, ref, batch, -0.2, 1.2));
        State s = Fixtures.state(backend, expected);
        ref.relax(x, expected, 20, 0.5, 0, d);
        ref.relax(x, expected, 4, 0.5, 0.7, d);
        try (s; ReferenceChain chain = ReferenceChain.of(backend, ref, x);
            Tensor target = Fixtures.tensor(backend, d)) {
          chain.relax(fused, null, 0f, 0.5f, s.layers(), 20);
          chain.relax(fused, target, 0.7f, 0.5f, s.layers(), 4);
          for (int k = 0; k < s.size(); k++) {
            // floats against doubles over 24 steps: some state is near enough to a clip's edge to carry
            // its rounding further (up to 4e-5 seen on 37 samples; 2.5e-5 on 9 with nd4j's OpenBLAS on an
            // AVX-512 AMD EPYC, whose kernels round otherwise); a wrong term moves states by 1e-2 or more
            double tolerance = 1e-4;
            double diff = Fixtures.maxAbsDiff(backend, s.layer(k), expected[k]);
            assertTrue(diff < tolerance,
                Arrays.toString(sizes) + " batch " + batch + " layer " + (k + 1) + " differs by " + diff);
          }
          IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
              () -> chain.relax(fused, null, 0.5f, 0.5f, s.layers(), 1));
          assertEquals("a nudged phase (beta != 0) needs a target", e.getMessage());
          assertThrows(ShapeMismatchException.class, () -> fused.relax(
              chain.biases().get(0), chain.weights(), chain.biases(), target, 0.5f, 0.5f, s.layers(), 1));
        }
      }
    }
  }

  /**
   * An offered {@link ChainRelaxation} stays with the double reference over phases as long as
   * {@code paper-2h}'s (100 free steps, 6 nudged), on layers wide enough for a kernel to take
   * shortcuts from one step to the next (ejml adds to the last step's inputs the products of what
   * changed, and sums them afresh every 20 steps). Floats against doubles differ by up to 2e-5 here
   * (ejml, nd4j and the jcuda emulator); a stale input at one step moves states by 0.1 or more.
   */
  @Test
  public void chainRelaxationStaysWithTheReferenceOverLongPhases() {
    Optional<ChainRelaxation> offered = kernel(ChainRelaxation.class);
    if (offered.isEmpty()) {
      return;
    }
    int batch = 40;
    int[] sizes = {120, 120, 100, 10};
    ReferenceHopfield ref = ReferenceHopfield.random(sizes, 11, 0.25, 0.3);
    double[][] x = Fixtures.roundToFloat(Fixtures.uniform(random, batch, sizes[0], -1, 1.5));
    double[][] d = Fixtures.randomOneHot(random, batch, sizes[sizes.length - 1]);
    double[][][] expected = Fixtures.roundToFloat(Fixtures.randomState(random, ref, batch, 0, 1));
    State s = Fixtures.state(backend, expected);
    ref.relax(x, expected, 100, 0.5, 0, d);
    ref.relax(x, expected, 6, 0.5, 2, d);
    try (s; ReferenceChain chain = ReferenceChain.of(backend, ref, x);
        Tensor target = Fixtures.tensor(backend, d)) {
      chain.relax(offered.get(), null, 0f, 0.5f, s.layers(), 100);
      chain.relax(offered.get(), target, 2f, 0.5f, s.layers(), 6);
      for (int k = 0; k < s.size(); k++) {
        double diff = Fixtures.maxAbsDiff(backend, s.layer(k), expected[k]);
        assertTrue(diff < 1e-4, "layer " + (k + 1) + " differs by " + diff + " after 106 steps");
      }
    }
  }

  /**
   * An offered {@link ChainPhases} runs a training step's two phases as the double reference does,
   * from zeros (whatever the state held) and from a given state, with the free fixed point's energy
   * and classes in between (on shapes small enough that it must not decline them).
   */
  @Test
  public void chainPhasesMatchTheReference() {
    Optional<ChainPhases> offered = kernel(ChainPhases.class);
    if (offered.isEmpty()) {
      return;
    }
    ChainPhases phases = offered.get();
    int batch = 9;
    for (int[] sizes : new int[][] {{12, 80, 70, 5}, {6, 3}}) {
      for (boolean fromZeros : new boolean[] {true, false}) {
        ReferenceHopfield ref = ReferenceHopfield.random(sizes, sizes[1] + 3, 0.6, 0.3);
        double[][] x = Fixtures.uniform(random, batch, sizes[0], 0, 1);
        double[][] d = Fixtures.randomOneHot(random, batch, sizes[sizes.length - 1]);
        double[][][] given = Fixtures.roundToFloat(Fixtures.randomState(random, ref, batch, -0.2, 1.2));
        double[][][] free = fromZeros ? ref.zeroState(batch) : ReferenceHopfield.copyState(given);
        ref.relax(x, free, 20, 0.5, 0, d);
        double[] energies = ref.energy(x, free);
        double[][][] nudged = ReferenceHopfield.copyState(free);
        ref.relax(x, nudged, 4, 0.5, 0.7, d);
        String what = Arrays.toString(sizes) + (fromZeros ? " from zeros" : " from a given state");
        State s = Fixtures.state(backend, given);
        State n = Fixtures.state(backend, Fixtures.randomState(random, ref, batch, -0.2, 1.2));
        try (s; n; ReferenceChain chain = ReferenceChain.of(backend, ref, x); Tensor target = Fixtures.tensor(backend, d);
            Tensor energy = backend.zeros(batch, 1); Tensor classes = backend.zeros(batch, 1)) {
          assertTrue(phases.run(chain.drive(), chain.weights(), chain.biases(), target, 0.7f, 0.5f, s.layers(),
              n.layers(), 20, 4, fromZeros, energy, classes), what + ": declined");
          for (int k = 0; k < s.size(); k++) {
            // as in chainRelaxationMatchesTheReference: floats against doubles over 24 steps (ejml, which adds
            // only the changes between full sums, 1.4e-5 here); a wrong term moves states by 1e-2 or more
            double diff = Fixtures.maxAbsDiff(backend, s.layer(k), free[k]);
            assertTrue(diff < 1e-4, what + ": free layer " + (k + 1) + " differs by " + diff);
            diff = Fixtures.maxAbsDiff(backend, n.layer(k), nudged[k]);
            assertTrue(diff < 1e-4, what + ": nudged layer " + (k + 1) + " differs by " + diff);
          }
          float[] e = backend.toHost(energy);
          float[] c = backend.toHost(classes);
          double[][] out = free[free.length - 1];
          for (int i = 0; i < batch; i++) {
            assertEquals(energies[i], e[i], 1e-5 * (1 + Math.abs(energies[i])), what + ": energy of sample " + i);
            int best = 0;
            for (int j = 1; j < out[i].length; j++) {
              if (out[i][j] > out[i][best]) {
                best = j;
              }
            }
            assertEquals(best, c[i], what + ": class of sample " + i);
          }
          IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> phases.run(chain.drive(),
              chain.weights(), chain.biases(), target, 0.7f, 0.5f, s.layers(), s.layers(), 20, 4, true, energy, classes));
          assertEquals("chain-phases: layer 1 is both free and nudged", e2.getMessage());
        }
      }
    }
  }

  /**
   * An offered {@link ChainRelaxation}'s energy matches the double reference on states inside and
   * outside {@code [0, 1]}, on a batch large enough to be split; a wrong output shape is refused with
   * its message.
   */
  @Test
  public void chainEnergyMatchesTheReference() {
    Optional<ChainRelaxation> offered = kernel(ChainRelaxation.class);
    if (offered.isEmpty()) {
      return;
    }
    ChainRelaxation fused = offered.get();
    int batch = 37;
    for (int[] sizes : new int[][] {{12, 80, 70, 5}, {12, 9, 40, 4}, {6, 3}}) {
      ReferenceHopfield ref = ReferenceHopfield.random(sizes, sizes[1] + 7, 0.6, 0.3);
      double[][] x = Fixtures.uniform(random, batch, sizes[0], 0, 1);
      double[][][] states = Fixtures.roundToFloat(Fixtures.randomState(random, ref, batch, -0.2, 1.2));
      double[] expected = ref.energy(x, states);
      State s = Fixtures.state(backend, states);
      try (s; ReferenceChain chain = ReferenceChain.of(backend, ref, x); Tensor out = backend.zeros(batch, 1);
          Tensor wrong = backend.zeros(1, batch)) {
        fused.energy(chain.drive(), chain.weights(), chain.biases(), s.layers(), out);
        float[] got = backend.toHost(out);
        for (int i = 0; i < batch; i++) {
          assertEquals(expected[i], got[i], 1e-5 * (1 + Math.abs(expected[i])),
              Arrays.toString(sizes) + " sample " + i);
        }
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
            () -> fused.energy(chain.drive(), chain.weights(), chain.biases(), s.layers(), wrong));
        assertEquals("chain-relaxation energy: expected " + batch + "x1 but got 1x" + batch, e.getMessage());
      }
    }
  }

  /**
   * An offered {@link ChainContrast} adds the scaled contrast the double reference computes, on
   * states inside and outside {@code [0, 1]} and layers wider than a kernel's tile.
   */
  @Test
  public void chainContrastMatchesTheReference() {
    Optional<ChainContrast> offered = kernel(ChainContrast.class);
    if (offered.isEmpty()) {
      return;
    }
    ChainContrast fused = offered.get();
    // {9, 140, 7}: a narrow layer fed by a wide one (a kernel may turn that product round); the
    // last: ten layers, past the eight a kernel argument may hold
    for (int[] sizes : new int[][] {{70, 80, 5}, {12, 9, 66, 4}, {9, 140, 7}, {6, 3},
        {5, 4, 6, 3, 7, 4, 5, 3, 6, 4, 3}}) {
      int batch = 19;
      int depth = sizes.length - 1;
      double[][] x = Fixtures.uniform(random, batch, sizes[0], -0.3, 1.2);
      double[][] rhoX = new double[batch][sizes[0]];
      for (int i = 0; i < batch; i++) {
        for (int p = 0; p < sizes[0]; p++) {
          rhoX[i][p] = ReferenceHopfield.rho((float) x[i][p]);
        }
      }
      ReferenceHopfield ref = ReferenceHopfield.random(sizes, sizes[1] + 3, 0.6, 0.3);
      double[][][] a = Fixtures.roundToFloat(Fixtures.randomState(random, ref, batch, -0.2, 1.2));
      double[][][] b = Fixtures.roundToFloat(Fixtures.randomState(random, ref, batch, -0.2, 1.2));
      float[] ws = new float[depth];
      float[] bs = new float[depth];
      List<double[][]> w0 = new ArrayList<>();
      List<double[][]> b0 = new ArrayList<>();
      for (int k = 0; k < depth; k++) {
        ws[k] = 0.3f - 0.2f * k;
        bs[k] = -0.7f + 0.1f * k;
        w0.add(Fixtures.roundToFloat(Fixtures.uniform(random, sizes[k], sizes[k + 1], -1, 1)));
        b0.add(Fixtures.roundToFloat(Fixtures.uniform(random, 1, sizes[k + 1], -1, 1)));
      }
      State sa = Fixtures.state(backend, a);
      State sb = Fixtures.state(backend, b);
      List<Tensor> weights = new ArrayList<>();
      List<Tensor> biases = new ArrayList<>();
      for (int k = 0; k < depth; k++) {
        weights.add(Fixtures.tensor(backend, w0.get(k)));
        biases.add(Fixtures.tensor(backend, b0.get(k)));
      }
      try (sa; sb; Tensor xt = Fixtures.tensor(backend, rhoX)) {
        fused.add(xt, sa.layers(), sb.layers(), ws, bs, weights, biases);
        for (int k = 0; k < depth; k++) {
          double[][] wExpected = w0.get(k);
          double[] bExpected = b0.get(k)[0];
          for (int i = 0; i < batch; i++) {
            double[] belowA = k == 0 ? rhoX[i] : a[k - 1][i];
            double[] belowB = k == 0 ? rhoX[i] : b[k - 1][i];
            for (int j = 0; j < sizes[k + 1]; j++) {
              double ra = ReferenceHopfield.rho(a[k][i][j]);
              double rb = ReferenceHopfield.rho(b[k][i][j]);
              bExpected[j] += bs[k] * (ra - rb);
              for (int p = 0; p < sizes[k]; p++) {
                wExpected[p][j] += ws[k] * (ReferenceHopfield.rho(belowA[p]) * ra - ReferenceHopfield.rho(belowB[p]) * rb);
              }
            }
          }
          double dw = Fixtures.maxAbsDiff(backend, weights.get(k), wExpected);
          double db = Fixtures.maxAbsDiff(backend, biases.get(k), new double[][] {bExpected});
          assertTrue(dw < 1e-5 && db < 1e-5, Arrays.toString(sizes) + " layer " + (k + 1) + ": W differs by " + dw
              + ", b by " + db);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> fused.add(xt, sa.layers(), sb.layers(), new float[depth + 1], bs, weights, biases));
        assertEquals("chain-contrast: " + depth + " layers in the first state need as many in the second, weight and"
            + " bias tensors and scales, got " + depth + ", " + depth + ", " + depth + ", " + (depth + 1) + " and "
            + depth, e.getMessage());
        ShapeMismatchException s = assertThrows(ShapeMismatchException.class,
            () -> fused.add(xt, sa.layers(), sb.layers(), ws, bs, biases, weights));
        assertEquals("chain-contrast W1: expected " + sizes[0] + "x" + sizes[1] + " but got 1x" + sizes[1],
            s.getMessage());
      } finally {
        weights.forEach(Tensor::close);
        biases.forEach(Tensor::close);
      }
    }
  }
}
