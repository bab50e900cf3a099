package org.eqprop.runner.config;

import java.util.List;
import java.util.Map;

/**
 * A complete run configuration. Every key has a default (the {@code paper-1h} preset, see {@code
 * defaults.yaml}); YAML keys are the kebab-case forms of the component names.
 *
 * @param model which energy and its layer sizes
 * @param cost the cost used for nudging
 * @param dynamics how states relax
 * @param learner the learning rule and its phases
 * @param optimizer how gradient estimates update the parameters
 * @param training epochs, batch size, seed, evaluation
 * @param data where the MNIST-format data set is
 * @param backend which backend, and its options
 * @param distributed one process, or data-parallel workers on an engine
 */
public record RunConfig(
    Model model,
    Cost cost,
    Dynamics dynamics,
    Learner learner,
    Optimizer optimizer,
    Training training,
    Data data,
    Backend backend,
    Distributed distributed) {

  /** This configuration with {@code backend.name} set to {@code name}. */
  public RunConfig withBackendName(String name) {
    return new RunConfig(model, cost, dynamics, learner, optimizer, training, data, new Backend(name, backend.options()),
        distributed);
  }

  /** This configuration with {@code training.batch-size} set to {@code batchSize}. */
  public RunConfig withBatchSize(int batchSize) {
    Training t = training;
    return new RunConfig(model, cost, dynamics, learner, optimizer,
        new Training(t.epochs(), batchSize, t.seed(), t.evalBatchSize(), t.trainLimit(), t.testLimit()), data, backend,
        distributed);
  }

  /**
   * @param name the model provider's name, or {@code network} for a network declared by its
   *     interactions
   * @param layers units per layer, input first
   * @param interactions for {@code network}: the energy terms, each {@code {type, layers, name,
   *     group, options}} ({@code name}, {@code group} and {@code options} optional); empty otherwise
   * @param options model-specific options
   */
  public record Model(String name, List<Integer> layers, List<Map<String, Object>> interactions,
      Map<String, Object> options) {

    /** A model with no declared interactions. */
    public Model(String name, List<Integer> layers, Map<String, Object> options) {
      this(name, layers, List.of(), options);
    }
  }

  /**
   * @param name the cost's name ({@code squared-error}, {@code cross-entropy} or a plug-in's)
   * @param options a plug-in cost's own settings
   */
  public record Cost(String name, Map<String, Object> options) {}

  /**
   * @param name the dynamics' name ({@code gradient} or {@code fixed-point})
   * @param eps the step size
   * @param tolerance stop a phase once a step moves no state element by this much; 0: always run
   *     the configured steps
   * @param options a plug-in dynamics' own settings
   */
  public record Dynamics(String name, double eps, double tolerance, Map<String, Object> options) {}

  /**
   * @param name the learner's name ({@code ep})
   * @param freeSteps T1
   * @param nudgedSteps T2
   * @param beta nudging strength
   * @param randomSign flip beta's sign at random per minibatch
   * @param persistentParticles start free phases from each example's last free fixed point
   * @param inferenceSteps free steps from zeros when predicting; {@code null} means free-steps
   * @param centered nudge at +beta and −beta and update from the difference (O(beta²) bias)
   * @param options a plug-in learner's own settings
   */
  public record Learner(
      String name,
      int freeSteps,
      int nudgedSteps,
      double beta,
      boolean randomSign,
      boolean persistentParticles,
      Integer inferenceSteps,
      boolean centered,
      Map<String, Object> options) {

    /** The inference steps in effect. */
    public int effectiveInferenceSteps() {
      return inferenceSteps == null ? freeSteps : inferenceSteps;
    }
  }

  /**
   * @param name the optimizer's name ({@code sgd} or {@code adam})
   * @param learningRates one rate per layer of parameters
   * @param momentum {@code sgd}'s heavy-ball momentum, in [0, 1); 0 is plain SGD
   * @param weightDecay decoupled weight decay λ (θ ← θ·(1 − rate·λ) each step), ≥ 0
   * @param beta1 {@code adam}'s first-moment decay
   * @param beta2 {@code adam}'s second-moment decay
   * @param epsilon {@code adam}'s ε
   * @param schedule how the learning rates change over the epochs
   * @param options a plug-in optimizer's own settings
   */
  public record Optimizer(
      String name,
      List<Double> learningRates,
      double momentum,
      double weightDecay,
      double beta1,
      double beta2,
      double epsilon,
      Schedule schedule,
      Map<String, Object> options) {}

  /**
   * A learning-rate schedule: the configured rates times a factor that depends on the epoch.
   *
   * @param name {@code constant} (factor 1), {@code step} (times {@code factor} every {@code
   *     every} epochs) or {@code cosine} (from 1 down to {@code floor} along half a cosine over the
   *     run's epochs)
   * @param every {@code step}: epochs between decays
   * @param factor {@code step}: the decay, in (0, 1]
   * @param floor {@code cosine}: the factor at the last epoch, in [0, 1]
   */
  public record Schedule(String name, int every, double factor, double floor) {

    /** The factor for epoch {@code epoch} (1-based) of {@code epochs}. */
    public double scale(int epoch, int epochs) {
      return switch (name) {
        case "step" -> Math.pow(factor, (epoch - 1) / every);
        case "cosine" -> epochs <= 1
            ? 1
            : floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * (epoch - 1) / (epochs - 1)));
        default -> 1;
      };
    }
  }

  /**
   * @param epochs passes over the training set
   * @param batchSize samples per minibatch
   * @param seed seeds initialisation, shuffling and the sign of beta
   * @param evalBatchSize samples per batch when evaluating
   * @param trainLimit use only the first N training examples (0: all)
   * @param testLimit use only the first N test examples (0: all)
   */
  public record Training(
      int epochs, int batchSize, long seed, int evalBatchSize, int trainLimit, int testLimit) {}

  /**
   * @param dir directory of MNIST's four IDX files or of CIFAR-10's binary batches; empty means the
   *     bundled MNIST
   * @param normalize {@code none} (pixels / 255) or {@code per-channel} (each channel to mean 0 and
   *     deviation 1 by the training set's statistics)
   * @param augment training images: {@code none}, {@code crop}, {@code flip} or {@code crop-flip}
   * @param cropPadding the largest shift of a random crop, in pixels
   */
  public record Data(String dir, String normalize, String augment, int cropPadding) {}

  /**
   * @param name the backend's name; empty means the highest-priority available backend
   * @param options backend-specific options
   */
  public record Backend(String name, Map<String, String> options) {}

  /**
   * Data-parallel training: {@code workers} train their own minibatches of each round from the same
   * parameters, averaged (with the optimizer's state) every {@code syncEvery} minibatches.
   *
   * @param engine {@code local} (one process, the default) or {@code spark}
   * @param workers workers per round (1 with {@code local})
   * @param syncEvery minibatches each worker trains between averages
   * @param master the Spark master ({@code local[*]}, {@code local[N]}, {@code spark://HOST:PORT})
   */
  public record Distributed(String engine, int workers, int syncEvery, String master) {}
}
