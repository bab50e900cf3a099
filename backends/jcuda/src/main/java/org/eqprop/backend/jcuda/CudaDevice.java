package org.eqprop.backend.jcuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import org.eqprop.api.tensor.HostRead;

/**
 * A CUDA device through the driver API (JCuda): the device's primary context, retained for this
 * object's life, and eqprop's kernels loaded from the PTX resource as one module. Every call makes
 * the context current on the calling thread first. Launches go to the default stream, or, where
 * the device is opened for graphs, to a stream of its own (blocking: the synchronous copies to and
 * from the host still wait for it), which {@link #capture} records as a CUDA graph.
 *
 * <p>Uploads of up to {@value #STAGED_BYTES} bytes go through page-locked staging buffers and do
 * not wait for the device (a copy from pageable memory would wait for all earlier work); {@link
 * #downloadLater} copies into a page-locked buffer and waits only when its values are asked for.
 */
final class CudaDevice implements Device {
  /** Bytes of dynamic shared memory any kernel may use without opting in. */
  static final int DEFAULT_SHARED = 48 * 1024;
  /** The largest upload staged through page-locked memory; larger ones wait for the device. */
  static final long STAGED_BYTES = 4L << 20;
  /** Staging buffers in turn: an upload reuses one once the copy made from it has been done. */
  private static final int STAGING = 8;

  private final CUdevice device = new CUdevice();
  private final CUcontext context = new CUcontext();
  private final CUmodule module = new CUmodule();
  private final Map<String, CUfunction> functions = new HashMap<>();
  private final Map<String, Integer> shared = new HashMap<>();
  private final Map<Long, Address> memory = new HashMap<>();
  private final String description;
  private final int optInShared;
  /** The stream launches and copies go to, null for the default stream (then no graphs). */
  private final CUstream stream;
  private final Pinned[] staging = new Pinned[STAGING];
  private int nextStaging;
  /** Read buffers not in use; every pinned buffer is in {@link #pinned} until the device closes. */
  private final ArrayDeque<Pinned> idleReads = new ArrayDeque<>();
  private final List<Pinned> pinned = new ArrayList<>();
  private boolean closed;

  /** Page-locked host memory with an event marking when the copy to or from it is done. */
  private final class Pinned {
    final Pointer host = new Pointer();
    final long bytes;
    final CUevent done = new CUevent();
    private boolean inFlight;

    Pinned(long bytes) {
      this.bytes = bytes;
      cuMemAllocHost(host, bytes);
      try {
        cuEventCreate(done, CUevent_flags.CU_EVENT_DISABLE_TIMING);
      } catch (CudaException e) {
        cuMemFreeHost(host);
        throw e;
      }
      pinned.add(this);
    }

    ByteBuffer buffer(long length) {
      return host.getByteBuffer(0, length).order(ByteOrder.nativeOrder());
    }

    /** Marks the copy just issued from or into this buffer. */
    void issued() {
      cuEventRecord(done, stream);
      inFlight = true;
    }

    /** Waits until the copy last issued is done. */
    void await() {
      if (inFlight) {
        cuEventSynchronize(done);
        inFlight = false;
      }
    }

    void release() {
      cuEventDestroy(done);
      cuMemFreeHost(host);
    }
  }

  /** A device pointer whose address this package can read. */
  private static final class Address extends CUdeviceptr {
    long address() {
      return getNativePointer();
    }
  }

  /**
   * Opens device {@code ordinal}, launching on the default stream.
   *
   * @throws IllegalStateException when the driver, the device or the PTX fails, with the reason
   */
  CudaDevice(int ordinal) {
    this(ordinal, false);
  }

  /**
   * Opens device {@code ordinal}; with {@code graphs}, launches go to a stream of the device's own
   * that {@link #capture} can record.
   *
   * @throws IllegalStateException when the driver, the device or the PTX fails, with the reason
   */
  CudaDevice(int ordinal, boolean graphs) {
    try {
      JCudaDriver.setExceptionsEnabled(true);
      cuInit(0);
      int[] count = new int[1];
      cuDeviceGetCount(count);
      if (ordinal >= count[0]) {
        throw new IllegalStateException(count[0] == 0
            ? "no CUDA device"
            : "no CUDA device " + ordinal + " (this machine has " + count[0] + ")");
      }
      cuDeviceGet(device, ordinal);
      cuDevicePrimaryCtxRetain(context, device);
    } catch (CudaException | UnsatisfiedLinkError e) {
      throw new IllegalStateException("CUDA failed to start: " + e.getMessage(), e);
    }
    try {
      cuCtxSetCurrent(context);
      description = describe(device);
      int[] optIn = new int[1];
      cuDeviceGetAttribute(optIn, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device);
      optInShared = Math.max(DEFAULT_SHARED, optIn[0]);
      try {
        cuModuleLoadData(module, Ptx.bytes());
      } catch (CudaException e) {
        throw new IllegalStateException("the CUDA driver refuses eqprop's PTX (" + e.getMessage() + "; "
            + Ptx.requirement() + ", this driver is " + driverVersion() + ")", e);
      }
      if (graphs) {
        stream = new CUstream();
        cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT);
      } else {
        stream = null;
      }
    } catch (CudaException | IllegalStateException e) {
      cuDevicePrimaryCtxRelease(device);
      throw e instanceof IllegalStateException ise ? ise
          : new IllegalStateException("CUDA failed to start: " + e.getMessage(), e);
    }
  }

  private static String describe(CUdevice device) {
    byte[] name = new byte[256];
    cuDeviceGetName(name, name.length, device);
    int len = 0;
    while (len < name.length && name[len] != 0) {
      len++;
    }
    int[] major = new int[1];
    int[] minor = new int[1];
    cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
    cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
    long[] bytes = new long[1];
    cuDeviceTotalMem(bytes, device);
    return new String(name, 0, len, java.nio.charset.StandardCharsets.US_ASCII)
        + " (compute " + major[0] + "." + minor[0] + ", " + (bytes[0] >> 30) + " GiB), driver "
        + driverVersion();
  }

  /** The driver's CUDA version, e.g. {@code 13.0}. */
  static String driverVersion() {
    int[] v = new int[1];
    cuDriverGetVersion(v);
    return v[0] / 1000 + "." + (v[0] % 1000) / 10;
  }

  /**
   * A CUDA error as this backend reports it. A fault in a kernel surfaces at the next call that
   * waits for the device, so the message names that call, not necessarily the kernel at fault.
   */
  private static IllegalStateException failed(String what, CudaException e) {
    return new IllegalStateException("CUDA error " + what + ": " + e.getMessage(), e);
  }

  private void bind() {
    if (closed) {
      throw new IllegalStateException("the jcuda backend is closed");
    }
    cuCtxSetCurrent(context);
  }

  private Address at(long address) {
    Address a = memory.get(address);
    if (a == null) {
      throw new IllegalArgumentException("no device memory at 0x" + Long.toHexString(address));
    }
    return a;
  }

  private CUfunction function(String kernel) {
    CUfunction f = functions.get(kernel);
    if (f == null) {
      f = new CUfunction();
      cuModuleGetFunction(f, module, kernel);
      functions.put(kernel, f);
    }
    return f;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public long alloc(long bytes) {
    bind();
    Address a = new Address();
    try {
      cuMemAlloc(a, Math.max(bytes, 4));
      cuMemsetD32(a, 0, Math.max(bytes, 4) / Sizeof.INT);
    } catch (CudaException e) {
      throw failed("allocating " + bytes + " bytes of device memory", e);
    }
    memory.put(a.address(), a);
    return a.address();
  }

  @Override
  public void free(long address) {
    bind();
    cuMemFree(at(address));
    memory.remove(address);
  }

  @Override
  public void upload(float[] src, int count, long dst) {
    upload(dst, (long) count * Sizeof.FLOAT, Pointer.to(src), b -> b.asFloatBuffer().put(src, 0, count));
  }

  @Override
  public void upload(int[] src, int count, long dst) {
    upload(dst, (long) count * Sizeof.INT, Pointer.to(src), b -> b.asIntBuffer().put(src, 0, count));
  }

  /**
   * Copies {@code bytes} to {@code dst}: through a staging buffer that {@code fill} writes, without
   * waiting for the device, or, beyond {@link #STAGED_BYTES}, from {@code pageable} directly.
   */
  private void upload(long dst, long bytes, Pointer pageable, java.util.function.Consumer<ByteBuffer> fill) {
    bind();
    try {
      if (bytes > STAGED_BYTES) {
        cuMemcpyHtoD(at(dst), pageable, bytes);
        return;
      }
      Pinned p = staging(bytes);
      fill.accept(p.buffer(bytes));
      cuMemcpyHtoDAsync(at(dst), p.host, bytes, stream);
      p.issued();
    } catch (CudaException e) {
      throw failed("copying to the device", e);
    }
  }

  /** The next staging buffer, its last copy done, holding at least {@code bytes}. */
  private Pinned staging(long bytes) {
    int i = nextStaging;
    nextStaging = (nextStaging + 1) % STAGING;
    Pinned p = staging[i];
    if (p != null) {
      p.await();
      if (p.bytes >= bytes) {
        return p;
      }
      pinned.remove(p);
      p.release();
    }
    staging[i] = new Pinned(Math.max(bytes, 64 * 1024));
    return staging[i];
  }

  @Override
  public HostRead downloadLater(long src, int count) {
    bind();
    long bytes = Math.max(4, (long) count * Sizeof.FLOAT);
    Pinned p = idleReads.pollFirst();
    try {
      if (p != null && p.bytes < bytes) {
        pinned.remove(p);
        p.release();
        p = null;
      }
      if (p == null) {
        p = new Pinned(bytes);
      }
      cuMemcpyDtoHAsync(p.host, at(src), (long) count * Sizeof.FLOAT, stream);
      p.issued();
    } catch (CudaException e) {
      throw failed("reading results from the device", e);
    }
    Pinned read = p;
    return new HostRead() {
      private float[] values;

      @Override
      public float[] get() {
        if (values == null) {
          bind();
          try {
            read.await();
          } catch (CudaException e) {
            throw failed("reading results from the device", e);
          }
          values = new float[count];
          read.buffer((long) count * Sizeof.FLOAT).asFloatBuffer().get(values);
          idleReads.addLast(read);
        }
        return values;
      }
    };
  }

  @Override
  public void download(long src, float[] dst, int count) {
    bind();
    try {
      cuMemcpyDtoH(Pointer.to(dst), at(src), (long) count * Sizeof.FLOAT);
    } catch (CudaException e) {
      throw failed("reading results from the device", e);
    }
  }

  @Override
  public void download(long src, int[] dst, int count) {
    bind();
    try {
      cuMemcpyDtoH(Pointer.to(dst), at(src), (long) count * Sizeof.INT);
    } catch (CudaException e) {
      throw failed("reading results from the device", e);
    }
  }

  @Override
  public void copy(long src, long dst, long bytes) {
    bind();
    if (stream == null) {
      cuMemcpyDtoD(at(dst), at(src), bytes);
    } else {
      cuMemcpyDtoDAsync(at(dst), at(src), bytes, stream);
    }
  }

  @Override
  public int maxDynamicShared(String kernel) {
    Integer granted = shared.get(kernel);
    if (granted == null) {
      bind();
      granted = DEFAULT_SHARED;
      if (optInShared > DEFAULT_SHARED) {
        try {
          cuFuncSetAttribute(function(kernel), CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
              optInShared);
          granted = optInShared;
        } catch (CudaException e) {
          granted = DEFAULT_SHARED;
        }
      }
      shared.put(kernel, granted);
    }
    return granted;
  }

  @Override
  public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, int sharedBytes, KernelArgs args) {
    bind();
    Pointer[] params = new Pointer[args.count()];
    for (int i = 0; i < params.length; i++) {
      long[] value = args.value(i);
      params[i] = args.size(i) == 4 ? Pointer.to(new int[] {(int) value[0]}) : Pointer.to(value);
    }
    try {
      cuLaunchKernel(function(kernel), gridX, gridY, 1, blockX, blockY, 1, sharedBytes, stream,
          Pointer.to(params), null);
    } catch (CudaException e) {
      throw failed("launching " + kernel + " (" + gridX + "x" + gridY + " blocks of " + blockX + "x" + blockY
          + " threads, " + sharedBytes + " bytes shared)", e);
    }
  }

  @Override
  public Graph capture(Runnable work) {
    if (stream == null) {
      return null;
    }
    bind();
    CUgraph graph = new CUgraph();
    boolean recorded = false;
    try {
      cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
      try {
        work.run();
      } finally {
        cuStreamEndCapture(stream, graph);
        recorded = true;
      }
      CUgraphExec exec = new CUgraphExec();
      cuGraphInstantiate(exec, graph, 0);
      return new Graph() {
        private boolean released;

        @Override
        public void launch() {
          bind();
          try {
            cuGraphLaunch(exec, stream);
          } catch (CudaException e) {
            throw failed("launching a CUDA graph", e);
          }
        }

        @Override
        public void close() {
          if (!released && !closed) {
            released = true;
            cuCtxSetCurrent(context);
            cuGraphExecDestroy(exec);
          }
        }
      };
    } catch (CudaException e) {
      throw failed("recording a CUDA graph", e);
    } finally {
      if (recorded) {
        cuGraphDestroy(graph);
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      cuCtxSetCurrent(context);
      if (stream != null) {
        cuStreamDestroy(stream);
      }
      for (Address a : memory.values()) {
        cuMemFree(a);
      }
      for (Pinned p : pinned) {
        p.release();
      }
      pinned.clear();
      idleReads.clear();
      memory.clear();
      cuModuleUnload(module);
    } finally {
      closed = true;
      cuDevicePrimaryCtxRelease(device);
    }
  }
}
