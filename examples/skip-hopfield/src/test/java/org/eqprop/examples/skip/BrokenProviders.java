package org.eqprop.examples.skip;

import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Energy;
import org.eqprop.api.Parameter;
import org.eqprop.api.State;
import org.eqprop.api.spi.ModelProvider;
import org.eqprop.api.spi.ModelSpec;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * Providers that are wrong on purpose, packed into throw-away plug-in jars by {@link PluginTest}
 * (they are not registered on the test class path).
 */
final class BrokenProviders {
  private BrokenProviders() {}

  /** {@code skip-hopfield-broken}: the example with the state gradient of layer 1 off by a factor 2. */
  public static final class WrongGradient implements ModelProvider {
    @Override
    public String name() {
      return "skip-hopfield-broken";
    }

    @Override
    public String description() {
      return "the example with a deliberately wrong gradient";
    }

    @Override
    public Energy create(ModelSpec spec, Backend backend, RandomGenerator random) {
      Energy inner = new SkipHopfieldProvider().create(spec, backend, random);
      return new Energy() {
        @Override
        public Backend backend() {
          return backend;
        }

        @Override
        public int[] layerSizes() {
          return inner.layerSizes();
        }

        @Override
        public List<Parameter> parameters() {
          return inner.parameters();
        }

        @Override
        public ClampedEnergy clamp(Tensor x) {
          ClampedEnergy c = inner.clamp(x);
          return new ClampedEnergy() {
            @Override
            public int batchSize() {
              return c.batchSize();
            }

            @Override
            public void energy(State s, Tensor out) {
              c.energy(s, out);
            }

            @Override
            public void stateGradient(State s, State grad) {
              c.stateGradient(s, grad);
              backend.scale(2f, grad.layer(0), grad.layer(0));
            }

            @Override
            public void accumulateParameterGradient(State s, float scale, List<Tensor> grads) {
              c.accumulateParameterGradient(s, scale, grads);
            }

            @Override
            public void close() {
              c.close();
            }
          };
        }

        @Override
        public void close() {
          inner.close();
        }
      };
    }
  }

  /** Claims the built-in model's name. */
  public static final class DuplicateName implements ModelProvider {
    @Override
    public String name() {
      return "layered-hopfield";
    }

    @Override
    public String description() {
      return "a second provider with a taken name";
    }

    @Override
    public Energy create(ModelSpec spec, Backend backend, RandomGenerator random) {
      throw new UnsupportedOperationException("never created: the name clash is reported first");
    }
  }

  /** Throws while being instantiated. */
  public static final class Throwing implements ModelProvider {
    /** Fails the way a provider with a broken static setup would. */
    public Throwing() {
      throw new IllegalStateException("cannot start: missing native library libfoo.so");
    }

    @Override
    public String name() {
      return "throwing";
    }

    @Override
    public String description() {
      return "throws in its constructor";
    }

    @Override
    public Energy create(ModelSpec spec, Backend backend, RandomGenerator random) {
      throw new UnsupportedOperationException();
    }
  }

  /** {@code out-of-memory}: runs out of heap while making its parameters, as a too-large model would. */
  public static final class OutOfMemory implements ModelProvider {
    @Override
    public String name() {
      return "out-of-memory";
    }

    @Override
    public String description() {
      return "runs out of memory in create";
    }

    @Override
    public Energy create(ModelSpec spec, Backend backend, RandomGenerator random) {
      throw new OutOfMemoryError("Java heap space");
    }
  }
}
