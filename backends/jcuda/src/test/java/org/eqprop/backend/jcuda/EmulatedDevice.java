package org.eqprop.backend.jcuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Device} that runs the kernels of {@code eqprop_kernels.cu} on the CPU: the source is
 * compiled as C++ with {@code src/test/native/emu.h} (blocks in turn, a block's threads as fibers
 * switched at {@code __syncthreads()}) into a JNI library, built once per test JVM with {@code g++}.
 * It lets the tests run the backend's Java code and its kernels' logic where no GPU exists; it
 * says nothing about speed, and device-only faults (races between warps, alignment) can still hide.
 */
class EmulatedDevice implements Device {
  private static final int SHARED = CudaDevice.DEFAULT_SHARED;
  private static String unavailable;
  private static boolean loaded;

  private final java.util.Set<Long> memory = new java.util.HashSet<>();
  private boolean closed;
  /** While {@link #capture} runs: the launches and copies it records instead of running them. */
  private List<Runnable> recording;

  static native long alloc0(long bytes);

  static native void free0(long address);

  static native void copyIn(Object src, long dst, long bytes);

  static native void copyOut(long src, Object dst, long bytes);

  static native void copy0(long src, long dst, long bytes);

  static native String launch0(String name, int gx, int gy, int bx, int by, int shared, long[] words, int[] sizes,
      boolean orderCheck);

  /**
   * The system property naming an emulator library built already (the sanitized one, which {@link
   * EmulatorSanitizerTest} builds and hands to the JVM it starts); unset, the plain one is built.
   */
  static final String LIBRARY = "eqprop.emu.library";

  /** Why the emulator cannot run here, or null when it can (building it on first use). */
  static synchronized String unavailable() {
    if (!loaded && unavailable == null) {
      try {
        String given = System.getProperty(LIBRARY);
        System.load(given != null ? given : build(false).toString());
        loaded = true;
      } catch (IOException e) {
        unavailable = "no g++ to build the kernel emulator (" + e.getMessage() + ")";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        unavailable = "interrupted while building the kernel emulator";
      }
    }
    return unavailable;
  }

  /**
   * Compiles the emulator into {@code target/emu}; {@code sanitized} adds AddressSanitizer and
   * UndefinedBehaviorSanitizer (its bounds check included), stopping at the first report; such a
   * library loads only into a JVM started with {@code libasan} preloaded.
   */
  static Path build(boolean sanitized) throws IOException, InterruptedException {
    Path lib = Path.of("target", "emu", sanitized ? "libeqemu-sanitized.so" : "libeqemu.so").toAbsolutePath();
    Files.createDirectories(lib.getParent());
    Path javaHome = Path.of(System.getProperty("java.home"));
    List<String> cmd = new java.util.ArrayList<>(List.of("g++", "-O1", "-std=c++17", "-shared", "-fPIC"));
    if (sanitized) {
      cmd.addAll(List.of("-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer", "-g"));
    }
    cmd.addAll(List.of("-I", "src/test/native", "-I", "src/main/cuda",
        "-I", javaHome.resolve("include").toString(), "-I", javaHome.resolve("include/linux").toString(),
        "src/test/native/emu_jni.cpp", "-o", lib.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("g++ failed to build the kernel emulator:\n" + out);
    }
    return lib;
  }

  /**
   * Whether every launch runs twice, the second time with the threads of each barrier phase in
   * reverse order, and fails where the two wrote different bits (a race between threads).
   */
  private final boolean orderCheck;

  EmulatedDevice() {
    this(false);
  }

  /** @param orderCheck run every launch a second time in reverse thread order and compare */
  EmulatedDevice(boolean orderCheck) {
    String why = unavailable();
    if (why != null) {
      throw new IllegalStateException(why);
    }
    // the sanitized JVM checks memory only: the plain runs do the order check
    this.orderCheck = orderCheck && !Boolean.getBoolean(NO_ORDER_CHECK);
  }

  /** The system property that turns the order check off (in the sanitized JVM of {@link EmulatorSanitizerTest}). */
  static final String NO_ORDER_CHECK = "eqprop.emu.no-order-check";

  @Override
  public String describe() {
    return "CPU emulation of eqprop's kernels";
  }

  @Override
  public long alloc(long bytes) {
    long address = alloc0(Math.max(bytes, 4));
    memory.add(address);
    return address;
  }

  @Override
  public void free(long address) {
    if (!memory.remove(address)) {
      throw new IllegalArgumentException("no device memory at 0x" + Long.toHexString(address));
    }
    free0(address);
  }

  @Override
  public void upload(float[] src, int count, long dst) {
    copyIn(src, dst, (long) count * Float.BYTES);
  }

  @Override
  public void upload(int[] src, int count, long dst) {
    copyIn(src, dst, (long) count * Integer.BYTES);
  }

  @Override
  public void download(long src, float[] dst, int count) {
    copyOut(src, dst, (long) count * Float.BYTES);
  }

  @Override
  public void download(long src, int[] dst, int count) {
    copyOut(src, dst, (long) count * Integer.BYTES);
  }

  @Override
  public void copy(long src, long dst, long bytes) {
    if (recording != null) {
      recording.add(() -> copy0(src, dst, bytes));
      return;
    }
    copy0(src, dst, bytes);
  }

  /** Records like a CUDA stream capture: the work's launches and copies, to be run as a whole later. */
  @Override
  public Graph capture(Runnable work) {
    if (recording != null) {
      throw new IllegalStateException("already recording");
    }
    List<Runnable> steps = new java.util.ArrayList<>();
    recording = steps;
    try {
      work.run();
    } finally {
      recording = null;
    }
    return new Graph() {
      @Override
      public void launch() {
        steps.forEach(Runnable::run);
      }

      @Override
      public void close() {
        steps.clear();
      }
    };
  }

  @Override
  public int maxDynamicShared(String kernel) {
    return SHARED;
  }

  @Override
  public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, int sharedBytes, KernelArgs args) {
    if (closed) {
      throw new IllegalStateException("the emulated device is closed");
    }
    if (sharedBytes > SHARED || blockX * blockY > 1024) {
      throw new IllegalArgumentException("launch of " + kernel + " beyond a device's limits: " + blockX + "x" + blockY
          + " threads, " + sharedBytes + " bytes of shared memory");
    }
    long[] words = args.words();
    int[] sizes = args.sizes();
    Runnable run = () -> {
      String error = launch0(kernel, gridX, gridY, blockX, blockY, sharedBytes, words, sizes, orderCheck);
      if (error != null) {
        throw new IllegalStateException(error);
      }
    };
    if (recording != null) {
      recording.add(run);
    } else {
      run.run();
    }
  }

  @Override
  public void close() {
    closed = true;
    memory.forEach(EmulatedDevice::free0);
    memory.clear();
  }
}
