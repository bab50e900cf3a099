package org.eqprop.backend.jcuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eqprop.api.tensor.HostRead;

/**
 * A {@link Device} that holds launches and device copies back until the host next needs the device
 * (an upload, a read or the start of one, memory freed), then issues them: as they are the first time a sequence comes,
 * recorded into a graph ({@link Device#capture}) the second time, and from then on as that graph,
 * one call instead of one per launch. A training step issues the same launches on the same buffers
 * with the same arguments step after step, so after two steps each of its stretches between reads
 * is one graph launch; a sequence that differs in anything (another kernel, a pointer, a scalar
 * such as the sign of beta) is another graph. The order of the device's work is unchanged: all
 * held-back work is issued before the call that made the host wait. Where the inner device cannot
 * record, every sequence is issued as it is.
 */
final class GraphedDevice implements Device {
  /** Recorded sequences kept; the least recently used one beyond is released. */
  static final int GRAPHS = 32;

  private final Device inner;
  private final List<Op> pending = new ArrayList<>();
  private final Map<List<Op>, Graph> graphs = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<List<Op>, Graph> eldest) {
      if (size() > GRAPHS) {
        eldest.getValue().close();
        return true;
      }
      return false;
    }
  };
  private final Map<List<Op>, Boolean> seenOnce = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<List<Op>, Boolean> eldest) {
      return size() > GRAPHS;
    }
  };
  private boolean recording = true;
  private long replayed;

  GraphedDevice(Device inner) {
    this.inner = inner;
  }

  /** One held-back launch or copy, compared by everything the device is told. */
  private static final class Op {
    final String kernel;
    final int[] shape;
    final KernelArgs args;
    /** The launch's argument words, or a copy's source, destination and byte count. */
    final long[] words;
    final int[] sizes;

    private Op(String kernel, int[] shape, KernelArgs args, long[] words, int[] sizes) {
      this.kernel = kernel;
      this.shape = shape;
      this.args = args;
      this.words = words;
      this.sizes = sizes;
    }

    static Op launch(String kernel, int[] shape, KernelArgs args) {
      return new Op(kernel, shape, args, args.words(), args.sizes());
    }

    static Op copy(long src, long dst, long bytes) {
      return new Op(null, null, null, new long[] {src, dst, bytes}, null);
    }

    void issue(Device d) {
      if (kernel == null) {
        d.copy(words[0], words[1], words[2]);
      } else {
        d.launch(kernel, shape[0], shape[1], shape[2], shape[3], shape[4], args);
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Op other && Objects.equals(kernel, other.kernel) && Arrays.equals(shape, other.shape)
          && Arrays.equals(words, other.words) && Arrays.equals(sizes, other.sizes);
    }

    @Override
    public int hashCode() {
      return Objects.hash(kernel, Arrays.hashCode(shape), Arrays.hashCode(words), Arrays.hashCode(sizes));
    }
  }

  /** Issues the held-back work: as a graph where this sequence was recorded, else as it is. */
  void flush() {
    if (pending.isEmpty()) {
      return;
    }
    List<Op> ops = List.copyOf(pending);
    pending.clear();
    Graph graph = graphs.get(ops);
    if (graph == null && recording && seenOnce.remove(ops) != null) {
      graph = inner.capture(() -> ops.forEach(op -> op.issue(inner)));
      if (graph == null) {
        recording = false;
      } else {
        graphs.put(ops, graph);
      }
    }
    if (graph != null) {
      graph.launch();
      replayed++;
      return;
    }
    if (recording) {
      seenOnce.put(ops, Boolean.TRUE);
    }
    ops.forEach(op -> op.issue(inner));
  }

  /** Graph launches so far, the first of each recorded sequence included. */
  long replayed() {
    return replayed;
  }

  @Override
  public String describe() {
    return inner.describe();
  }

  @Override
  public long alloc(long bytes) {
    return inner.alloc(bytes);
  }

  @Override
  public void free(long address) {
    flush();
    inner.free(address);
  }

  @Override
  public void upload(float[] src, int count, long dst) {
    flush();
    inner.upload(src, count, dst);
  }

  @Override
  public void upload(int[] src, int count, long dst) {
    flush();
    inner.upload(src, count, dst);
  }

  @Override
  public void download(long src, float[] dst, int count) {
    flush();
    inner.download(src, dst, count);
  }

  @Override
  public void download(long src, int[] dst, int count) {
    flush();
    inner.download(src, dst, count);
  }

  @Override
  public HostRead downloadLater(long src, int count) {
    flush();
    return inner.downloadLater(src, count);
  }

  @Override
  public void copy(long src, long dst, long bytes) {
    pending.add(Op.copy(src, dst, bytes));
  }

  @Override
  public int maxDynamicShared(String kernel) {
    return inner.maxDynamicShared(kernel);
  }

  @Override
  public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, int sharedBytes, KernelArgs args) {
    pending.add(Op.launch(kernel, new int[] {gridX, gridY, blockX, blockY, sharedBytes}, args));
  }

  @Override
  public void close() {
    try {
      flush();
    } finally {
      graphs.values().forEach(Graph::close);
      graphs.clear();
      inner.close();
    }
  }
}
