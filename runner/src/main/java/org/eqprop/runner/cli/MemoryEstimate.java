package org.eqprop.runner.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eqprop.api.spi.InteractionSpec;
import org.eqprop.api.tensor.ConvGeometry;
import org.eqprop.models.compose.Conv2d;
import org.eqprop.models.compose.Conv2dProvider;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.config.RunConfig;

/**
 * What a training run will allocate, estimated from its configuration before anything is: the
 * data set's bytes, and where the backend keeps its tensors on the Java heap, the parameters with
 * their gradient and optimizer buffers, the states and work tensors of a training and an
 * evaluation minibatch, and the persistent particles. A run that cannot fit is refused with one
 * line giving the estimate, the limit and how to raise it; an estimate, not a bound: it errs on
 * the generous side for the built-in models.
 */
final class MemoryEstimate {
  /** Float tensors of a minibatch per input unit (the input, its {@code ρ}, the feeder's copy). */
  private static final int PER_INPUT = 3;
  /** Float tensors of a minibatch per free unit (states, phases, activations, masks, drives, work). */
  private static final int PER_UNIT = 10;
  /** What the JVM needs besides: classes, the JIT, the charts. */
  private static final long BASELINE = 128L << 20;

  private MemoryEstimate() {}

  /**
   * @param tensorsOnHeap whether the backend's tensors count against the heap
   * @param heap the JVM's limit ({@code Runtime.maxMemory()})
   * @throws EqpropException (usage) where the run cannot fit, or its batch is larger than its data
   */
  static void require(RunConfig c, int trainExamples, int testExamples, boolean tensorsOnHeap, long heap) {
    int batch = c.training().batchSize();
    if (batch > trainExamples) {
      throw EqpropException.usage("config key 'training.batch-size' is " + batch + " but the training set has "
          + trainExamples + " examples" + (c.training().trainLimit() > 0 ? " (training.train-limit)" : ""));
    }
    List<Integer> n = c.model().layers();
    long inputs = n.get(0);
    long units = 0;
    for (int k = 1; k < n.size(); k++) {
      units += n.get(k);
    }
    long data = (trainExamples + (long) testExamples) * (inputs + 1);
    long parameters = 0;
    long buffers = 0;
    long particles = 0;
    if (tensorsOnHeap) {
      long p = parameters(c.model());
      int copies = 2 + switch (c.optimizer().name()) {
        case "adam" -> 2;
        case "sgd" -> c.optimizer().momentum() > 0 ? 1 : 0;
        default -> 2;
      };
      parameters = 4 * p * copies;
      long eval = Math.min(c.training().evalBatchSize(), Math.max(trainExamples, testExamples));
      buffers = 4 * (batch + eval) * (PER_INPUT * inputs + PER_UNIT * units)
          + 4L * workerThreads(c.backend()) * convolutionWork(c.model());
      particles = c.learner().persistentParticles() ? 4L * trainExamples * units : 0;
    }
    long total = BASELINE + data + parameters + buffers + particles;
    if (total > heap) {
      throw EqpropException.usage(String.format(Locale.ROOT,
          "this run needs about %s of memory (parameters %s, minibatch states %s, particles %s, data %s) but the "
              + "JVM may use %s: lower training.batch-size or model.layers, or raise the limit, e.g. "
              + "EQPROP_JAVA_OPTS=-Xmx%dg", size(total), size(parameters), size(buffers), size(particles), size(data),
          size(heap), Math.max(2, (total * 5 / 4 + (1L << 30) - 1) >> 30)));
    }
  }

  /**
   * The threads that each keep a convolution's work buffers: the backend's {@code threads} option
   * where it is set to a number, else the machine's cores (the CPU backends' default; a malformed
   * option is the backend's to refuse).
   */
  static int workerThreads(RunConfig.Backend b) {
    String option = b.options().getOrDefault("threads", "").trim();
    return option.matches("[0-9]{1,6}") ? Math.max(1, Integer.parseInt(option)) : Runtime.getRuntime().availableProcessors();
  }

  /**
   * The parameters: a declared network's terms (a {@code conv2d}'s kernels, a per-channel {@code
   * bias}'s channels, any other term the product of its layers' sizes, as a dense one), else the
   * layered chain's.
   */
  static long parameters(RunConfig.Model m) {
    List<Integer> n = m.layers();
    long p = 0;
    if (!m.interactions().isEmpty()) {
      for (Map<String, Object> d : m.interactions()) {
        if (d == null) {
          continue;
        }
        ConvGeometry conv = convolution(d);
        if (conv != null) {
          p += (long) conv.outChannels() * conv.kernelSize();
        } else if ("bias".equals(d.get("type")) && d.get("options") instanceof Map<?, ?> o
            && o.get("channels") instanceof Integer channels) {
          p += channels;
        } else if (d.get("layers") instanceof List<?> l) {
          long size = 1;
          for (Object o : l) {
            if (o instanceof Integer k && k >= 0 && k < n.size()) {
              size *= n.get(k);
            }
          }
          p += size;
        }
      }
      return p;
    }
    for (int k = 1; k < n.size(); k++) {
      p += (long) n.get(k - 1) * n.get(k) + n.get(k);
    }
    return p;
  }

  /**
   * Floats per thread of the convolutions' work buffers: {@code ejml} convolves one example at a
   * time, each thread holding, for every convolution, that example's unrolled input patches, its
   * output and a weight gradient.
   */
  static long convolutionWork(RunConfig.Model m) {
    long floats = 0;
    for (Map<String, Object> d : m.interactions()) {
      ConvGeometry conv = d == null ? null : convolution(d);
      if (conv != null) {
        long positions = (long) conv.outHeight() * conv.outWidth();
        floats += (conv.kernelSize() + conv.outChannels()) * positions + (long) conv.outChannels() * conv.kernelSize();
      }
    }
    return floats;
  }

  /**
   * A declared {@code conv2d}'s geometry, read as the model reads it, or null where the declaration
   * is not one or is malformed (building the model then reports it).
   */
  private static ConvGeometry convolution(Map<String, Object> d) {
    if (!Conv2d.TYPE.equals(d.get("type")) || !(d.get("options") instanceof Map<?, ?> o)) {
      return null;
    }
    Map<String, Object> options = new java.util.LinkedHashMap<>();
    o.forEach((k, v) -> {
      if (v != null) {
        options.put(String.valueOf(k), v);
      }
    });
    try {
      return Conv2dProvider.geometry(new InteractionSpec(Conv2d.TYPE, List.of(), Conv2d.TYPE, 0, options));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code 1.5 GB}, {@code 230 MB}. */
  static String size(long bytes) {
    return bytes >= 1L << 30
        ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%d MB", (bytes + (1L << 20) - 1) >> 20);
  }
}
