package org.eqprop.backend.jcuda;

import java.util.ArrayList;
import java.util.List;
import org.eqprop.api.tensor.HostRead;

/** A device that records every call it forwards, for tests of what the backend asks of a device. */
final class RecordingDevice implements Device {
  final Device inner;
  final List<String> calls = new ArrayList<>();

  RecordingDevice(Device inner) {
    this.inner = inner;
  }

  @Override
  public String describe() {
    return inner.describe();
  }

  @Override
  public long alloc(long bytes) {
    calls.add("alloc");
    return inner.alloc(bytes);
  }

  @Override
  public void free(long address) {
    calls.add("free");
    inner.free(address);
  }

  @Override
  public void upload(float[] src, int count, long dst) {
    calls.add("upload");
    inner.upload(src, count, dst);
  }

  @Override
  public void upload(int[] src, int count, long dst) {
    calls.add("upload");
    inner.upload(src, count, dst);
  }

  @Override
  public void download(long src, float[] dst, int count) {
    calls.add("read");
    inner.download(src, dst, count);
  }

  @Override
  public void download(long src, int[] dst, int count) {
    calls.add("read");
    inner.download(src, dst, count);
  }

  @Override
  public HostRead downloadLater(long src, int count) {
    calls.add("read later");
    return inner.downloadLater(src, count);
  }

  @Override
  public void copy(long src, long dst, long bytes) {
    calls.add("copy");
    inner.copy(src, dst, bytes);
  }

  @Override
  public int maxDynamicShared(String kernel) {
    return inner.maxDynamicShared(kernel);
  }

  @Override
  public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, int sharedBytes, KernelArgs args) {
    calls.add(kernel);
    inner.launch(kernel, gridX, gridY, blockX, blockY, sharedBytes, args);
  }

  @Override
  public void close() {
    inner.close();
  }
}
