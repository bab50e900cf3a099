package org.eqprop.backend.jcuda;

import org.eqprop.api.tensor.HostRead;

/**
 * What {@link JcudaBackend} needs of a device: linear memory addressed by 64-bit device addresses,
 * copies, and launches of the kernels in {@code eqprop_kernels.cu} by name. Launches are ordered
 * (one stream) and may run asynchronously; copies to the host wait for everything launched before.
 * {@link CudaDevice} is the real one.
 */
interface Device extends AutoCloseable {

  /** One line naming the device, e.g. {@code NVIDIA H200 (compute 9.0, 139 GiB), driver 13.0}. */
  String describe();

  /** Allocates {@code bytes} bytes of device memory, zeroed. */
  long alloc(long bytes);

  /** Releases memory from {@link #alloc}. */
  void free(long address);

  /** Copies {@code count} floats from {@code src} to the device. */
  void upload(float[] src, int count, long dst);

  /** Copies {@code count} ints from {@code src} to the device. */
  void upload(int[] src, int count, long dst);

  /** Copies {@code count} floats from the device into {@code dst}, after all earlier work. */
  void download(long src, float[] dst, int count);

  /** Copies {@code count} ints from the device into {@code dst}, after all earlier work. */
  void download(long src, int[] dst, int count);

  /**
   * Starts copying {@code count} floats from the device to the host after all earlier work, and
   * returns without waiting where the device can; {@link HostRead#get()} waits. By default the
   * copy is made at once.
   */
  default HostRead downloadLater(long src, int count) {
    float[] values = new float[count];
    download(src, values, count);
    return () -> values;
  }

  /** Copies {@code bytes} bytes between two device buffers, in launch order. */
  void copy(long src, long dst, long bytes);

  /**
   * The most dynamic shared memory, in bytes, one block of {@code kernel} may use on this device
   * (above the 48 KiB every device allows where the device lets a kernel opt in to more).
   */
  int maxDynamicShared(String kernel);

  /** Launches {@code kernel} on a {@code gridX × gridY} grid of {@code blockX × blockY} threads. */
  void launch(String kernel, int gridX, int gridY, int blockX, int blockY, int sharedBytes, KernelArgs args);

  /**
   * Records the launches and device copies {@code work} makes, without running them, as one graph
   * to be issued again as a whole; null where this device does not record (then {@code work} has
   * not run). Nothing but {@link #launch} and {@link #copy} may be called while recording.
   */
  default Graph capture(Runnable work) {
    return null;
  }

  /** Releases the device's module and context; memory still allocated is released with them. */
  @Override
  void close();

  /** A recorded sequence of launches and copies (a CUDA graph on a GPU). */
  interface Graph extends AutoCloseable {
    /** Issues the whole sequence again, in launch order after earlier work. */
    void launch();

    /** Releases the recording. */
    @Override
    void close();
  }
}
