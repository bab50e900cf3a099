package org.eqprop.runner.train;

import com.google.inject.Inject;
import com.google.inject.name.Named;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eqprop.api.Cost;
import org.eqprop.api.DivergenceException;
import org.eqprop.api.Energy;
import org.eqprop.api.Learner;
import org.eqprop.api.Optimizer;
import org.eqprop.api.Parameter;
import org.eqprop.api.PendingStep;
import org.eqprop.api.TrainStep;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.data.Augmentation;
import org.eqprop.runner.data.Dataset;
import org.eqprop.runner.data.MnistData;
import org.eqprop.runner.report.MetricsPlot;
import org.eqprop.runner.run.Checkpoint;
import org.eqprop.runner.run.IoErrors;
import org.eqprop.runner.run.RunDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop: per epoch, shuffle, train on every minibatch (the last one may be smaller,
 * its images augmented when {@code data.augment} says so),
 * evaluate on the test set, record the epoch and save a checkpoint. A stop request (Ctrl-C) saves
 * a checkpoint after the current minibatch; {@link #restore} continues from any checkpoint with
 * exactly the computation an uninterrupted run would have done.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  private final RunConfig config;
  private final Backend backend;
  private final List<Parameter> parameters;
  private final int classes;
  private final Learner learner;
  private final Optimizer optimizer;
  private final SplitMix64 shuffle;
  private final SplitMix64 learnerRandom;
  private final Augmentation augmentation;

  /** Injected by Guice with the run's components. */
  @Inject
  public Trainer(
      RunConfig config,
      Backend backend,
      Energy energy,
      Cost cost,
      Learner learner,
      Optimizer optimizer,
      @Named("shuffle") SplitMix64 shuffle,
      @Named("learner") SplitMix64 learnerRandom) {
    this.config = config;
    this.backend = backend;
    this.parameters = Parameter.trainable(energy, cost);
    this.classes = classes(energy, cost);
    this.learner = learner;
    this.optimizer = optimizer;
    this.shuffle = shuffle;
    this.learnerRandom = learnerRandom;
    this.augmentation = Augmentation.of(config.data().augment(), config.data().cropPadding(), config.training().seed());
  }

  /** Thrown after a stop request, once the checkpoint is saved. */
  public static final class Stopped extends EqpropException {
    private static final long serialVersionUID = 1L;

    Stopped(String message) {
      super(message, INTERRUPTED);
    }
  }

  /** The progress of a run that has not started. */
  public Progress start() {
    return new Progress(0, 0, 0, 0, 0, 0, shuffle.state(), learnerRandom.state());
  }

  /** The width of the run's targets: the number of classes the cost scores from the model's output layer. */
  public static int classes(Energy energy, Cost cost) {
    int[] sizes = energy.layerSizes();
    return cost.classes(sizes[sizes.length - 1]);
  }

  /** The run's trainable parameters by name ({@link Parameter#trainable}: the model's, then the cost's). */
  public Map<String, Tensor> parameterTensors() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Parameter p : parameters) {
      out.put(p.name(), p.value());
    }
    return out;
  }

  /** Every tensor a checkpoint holds: parameters, learner state, optimizer state (prefixed {@code optimizer.}). */
  public Map<String, Tensor> checkpointTensors() {
    Map<String, Tensor> out = parameterTensors();
    out.putAll(learner.stateTensors());
    optimizer.stateTensors().forEach((k, v) -> out.put("optimizer." + k, v));
    return out;
  }

  /** Loads a checkpoint's tensors and random states; returns where to continue. */
  public Progress restore(Checkpoint checkpoint, java.nio.file.Path file) {
    checkpoint.restore(file, checkpointTensors(), backend);
    shuffle.setState(checkpoint.progress().shuffleState());
    learnerRandom.setState(checkpoint.progress().learnerState());
    return checkpoint.progress();
  }

  /**
   * Trains from {@code from} until {@code training.epochs}.
   *
   * @param data training and test sets (already limited and shape-checked)
   * @param from where to start ({@link #start()} or {@link #restore})
   * @param run where to record epochs and checkpoints
   * @param configYaml the resolved configuration stored in checkpoints
   * @param listener follows the run
   * @param stopRequested polled after every minibatch; true saves a checkpoint and throws {@link Stopped}
   * @return the results of the epochs run now
   */
  public List<EpochResult> train(
      MnistData data, Progress from, RunDirectory run, String configYaml, TrainingListener listener, BooleanSupplier stopRequested) {
    return train(data, from, run, configYaml, listener, stopRequested, null);
  }

  /**
   * As {@link #train(MnistData, Progress, RunDirectory, String, TrainingListener, BooleanSupplier)},
   * with the minibatches spread over {@code workers} when not null: in each round of {@code
   * distributed.workers × distributed.sync-every} minibatches, worker {@code w} trains the {@code w}-th
   * run of {@code sync-every} of them from this trainer's state, and the state becomes the mean of
   * theirs (synchronous parameter averaging). With one worker that is exactly this process's training.
   */
  public List<EpochResult> train(MnistData data, Progress from, RunDirectory run, String configYaml,
      TrainingListener listener, BooleanSupplier stopRequested, Workers workers) {
    int batchSize = config.training().batchSize();
    int epochs = config.training().epochs();
    Dataset train = data.train();
    int batches = (train.count() + batchSize - 1) / batchSize;
    int[] order = new int[train.count()];
    List<EpochResult> results = new ArrayList<>();
    Progress p = from;
    try (BatchFeeder feeder = new BatchFeeder(backend, classes)) {
      Evaluator evaluator = new Evaluator(learner, feeder, config.training().evalBatchSize());
      for (int epoch = p.completedEpochs() + 1; epoch <= epochs; epoch++) {
        long epochShuffle = shuffle.state();
        shuffled(order);
        Tally tally = new Tally(p);
        RunConfig.Schedule schedule = config.optimizer().schedule();
        if (!schedule.name().equals("constant")) {
          optimizer.setLearningRateScale((float) schedule.scale(epoch, epochs));
        }
        listener.epochStarted(epoch, batches, p.nextBatch());
        if (workers != null) {
          trainRounds(workers, run, configYaml, epoch, order, batches, p, tally, listener, stopRequested, epochShuffle);
        }
        // each step's report is read after the next step is issued, so a GPU never idles between them
        PendingStep pending = null;
        for (int b = workers != null ? batches : p.nextBatch(); b < batches; b++) {
          int start = b * batchSize;
          int n = Math.min(batchSize, order.length - start);
          long t0 = System.nanoTime();
          PendingStep issued;
          try {
            issued = learner.trainLater(feeder.batch(train, order, start, n, augmentation, epoch));
          } catch (DivergenceException e) {
            throw diverged(run, epoch, b + 1, e.getMessage());
          }
          if (pending != null) {
            tally.add(run, epoch, b, pending, listener, batchSize, train.count());
          }
          pending = issued;
          tally.seconds += (System.nanoTime() - t0) / 1e9;
          if (stopRequested.getAsBoolean()) {
            long t1 = System.nanoTime();
            tally.add(run, epoch, b + 1, pending, listener, batchSize, train.count());
            tally.seconds += (System.nanoTime() - t1) / 1e9;
            throw stopAt(run, configYaml, epoch, b + 1, batches, tally, epochShuffle);
          }
        }
        if (pending != null) {
          long t1 = System.nanoTime();
          tally.add(run, epoch, batches, pending, listener, batchSize, train.count());
          tally.seconds += (System.nanoTime() - t1) / 1e9;
        }
        long errors = tally.errors;
        double energySum = tally.energySum;
        double seconds = tally.seconds;
        long freeSteps = tally.freeSteps;
        requireFiniteParameters(run, epoch, batches);
        long t1 = System.nanoTime();
        double testError = evaluator.error(data.test());
        double evalSeconds = (System.nanoTime() - t1) / 1e9;
        EpochResult r = new EpochResult(epoch, (double) errors / train.count(), testError, seconds,
            train.count() / seconds, evalSeconds, energySum / train.count(), (double) freeSteps / batches);
        results.add(r);
        p = new Progress(epoch, 0, 0, 0, 0, 0, shuffle.state(), learnerRandom.state());
        // the epoch's row and its checkpoint together: the checkpoint carries the rows, so a row is
        // written only once its checkpoint is, and a resumed run takes its rows from the checkpoint
        List<EpochResult> rows = new ArrayList<>(rows(run));
        rows.add(r);
        String metrics = RunDirectory.csv(rows);
        save(run, configYaml, p, metrics);
        try {
          run.writeMetrics(metrics);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write " + run.metrics() + ": " + IoErrors.reason(e), e);
        }
        plot(run, rows);
        listener.epochDone(r);
      }
    }
    return results;
  }

  /** Redraws metrics.png; a plot that cannot be drawn is a warning, never the end of a run. */
  private void plot(RunDirectory run, List<EpochResult> rows) {
    try {
      MetricsPlot.write(rows, "eqprop " + config.model().name() + " " + config.model().layers(),
          run.plot());
    } catch (IOException | RuntimeException | LinkageError e) {
      LOG.warn("could not draw {}: {}", run.plot(), e.toString());
    }
  }

  /** The rows of metrics.csv so far. */
  private static List<EpochResult> rows(RunDirectory run) {
    try {
      return run.results();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + run.metrics() + ": " + IoErrors.reason(e), e);
    }
  }

  private void save(RunDirectory run, String configYaml, Progress p, String metrics) {
    try {
      long t0 = System.nanoTime();
      Checkpoint.save(run.checkpoint(), configYaml, p, checkpointTensors(), backend, metrics);
      run.commit();
      LOG.debug("checkpoint {} saved in {} ms (epochs done {}, next minibatch {})", run.checkpoint(),
          (System.nanoTime() - t0) / 1_000_000, p.completedEpochs(), p.nextBatch());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + run.checkpoint() + ": " + IoErrors.reason(e), e);
    }
  }

  /** An epoch's running sums, from its checkpointed start. */
  private final class Tally {
    long errors;
    double energySum;
    double seconds;
    long freeSteps;

    Tally(Progress p) {
      errors = p.epochErrors();
      energySum = p.epochEnergy();
      seconds = p.epochSeconds();
      freeSteps = p.epochFreeSteps();
    }

    /** Reads the report of minibatch {@code batch} (1-based) into the sums and tells the listener. */
    void add(RunDirectory run, int epoch, int batch, PendingStep pending, TrainingListener listener, int batchSize,
        int examples) {
      TrainStep step;
      try {
        step = pending.get();
      } catch (DivergenceException e) {
        throw diverged(run, epoch, batch, e.getMessage());
      }
      if (!Double.isFinite(step.energy())) {
        throw diverged(run, epoch, batch, describeNonFinite());
      }
      errors += step.errors();
      energySum += step.energy();
      freeSteps += step.freeSteps();
      listener.batchDone(batch, Math.min((long) batch * batchSize, examples), errors, seconds);
    }
  }

  private EqpropException diverged(RunDirectory run, int epoch, int batch, String what) {
    String kept = java.nio.file.Files.exists(run.checkpoint())
        ? "the last good checkpoint is kept in " + run.checkpoint()
        : "no checkpoint was written (the first epoch did not finish)";
    return new EqpropException("training diverged at epoch " + epoch + ", minibatch " + batch + ": " + what
        + "; " + kept + " (try smaller learning rates or a smaller eps)", EqpropException.FAILURE);
  }

  /** Before a checkpoint is written: stops the run when a parameter is no longer finite. */
  private void requireFiniteParameters(RunDirectory run, int epoch, int batch) {
    String bad = nonFiniteParameter();
    if (bad != null) {
      throw diverged(run, epoch, batch, "parameter " + bad + " holds NaN or Inf");
    }
  }

  private String describeNonFinite() {
    String bad = nonFiniteParameter();
    return bad != null ? "parameter " + bad + " holds NaN or Inf" : "the free-phase energy is not finite";
  }

  private String nonFiniteParameter() {
    for (Parameter p : parameters) {
      if (!backend.isFinite(p.value())) {
        return p.name();
      }
    }
    return null;
  }

  /**
   * A stop request after minibatch {@code done} (1-based) of {@code epoch}: saves the checkpoint a
   * resumed run continues from, and returns the exception that ends the run.
   */
  private Stopped stopAt(RunDirectory run, String configYaml, int epoch, int done, int batches, Tally tally,
      long epochShuffle) {
    requireFiniteParameters(run, epoch, done);
    Progress mid = new Progress(epoch - 1, done, tally.errors, tally.energySum, tally.seconds, tally.freeSteps,
        epochShuffle, learnerRandom.state());
    save(run, configYaml, mid, RunDirectory.csv(rows(run)));
    return new Stopped("interrupted: checkpoint saved at epoch " + epoch + ", minibatch " + done + " of "
        + batches + "; continue with: eqprop train --resume " + run.path());
  }

  /** One epoch's minibatches from {@code p.nextBatch()} on, in rounds over {@code workers}. */
  private void trainRounds(Workers workers, RunDirectory run, String configYaml, int epoch, int[] order, int batches,
      Progress p, Tally tally, TrainingListener listener, BooleanSupplier stopRequested, long epochShuffle) {
    int batchSize = config.training().batchSize();
    int k = config.distributed().syncEvery();
    int n = config.distributed().workers();
    RunConfig.Schedule schedule = config.optimizer().schedule();
    float scale = schedule.name().equals("constant") ? 1f : (float) schedule.scale(epoch, config.training().epochs());
    for (int b = p.nextBatch(); b < batches; ) {
      long t0 = System.nanoTime();
      int end = Math.min(b + n * k, batches);
      Map<String, float[]> state = exportState();
      List<Workers.Task> tasks = new ArrayList<>();
      for (int w = 0; w < n && b + w * k < end; w++) {
        int from = (b + w * k) * batchSize;
        int to = Math.min(Math.min(b + (w + 1) * k, end) * batchSize, order.length);
        long stream = w == 0 ? learnerRandom.state() : SplitMix64.stream(learnerRandom.state(), w).state();
        tasks.add(new Workers.Task(w, epoch, scale, java.util.Arrays.copyOfRange(order, from, to), batchSize, state,
            stream));
      }
      List<Workers.Result> results = workers.run(tasks);
      for (Workers.Result r : results) {
        if (r.divergence() != null) {
          throw diverged(run, epoch, end, r.divergence());
        }
      }
      importState(average(results.stream().map(Workers.Result::state).toList()));
      learnerRandom.setState(results.get(0).learnerState());
      for (Workers.Result r : results) {
        tally.errors += r.errors();
        tally.energySum += r.energy();
        tally.freeSteps += r.freeSteps();
      }
      if (!Double.isFinite(tally.energySum)) {
        throw diverged(run, epoch, end, describeNonFinite());
      }
      tally.seconds += (System.nanoTime() - t0) / 1e9;
      listener.batchDone(end, Math.min((long) end * batchSize, order.length), tally.errors, tally.seconds);
      b = end;
      if (stopRequested.getAsBoolean() && b < batches) {
        throw stopAt(run, configYaml, epoch, b, batches, tally, epochShuffle);
      }
    }
  }

  /**
   * A worker's share of a round: loads the round's state, trains the task's minibatches in order,
   * and returns the state it ends with and their sums.
   */
  public Workers.Result trainShard(Dataset train, Workers.Task task) {
    importState(task.state());
    learnerRandom.setState(task.learnerState());
    if (!config.optimizer().schedule().name().equals("constant")) {
      optimizer.setLearningRateScale(task.learningRateScale());
    }
    long errors = 0;
    double energySum = 0;
    long freeSteps = 0;
    int[] examples = task.examples();
    try (BatchFeeder feeder = new BatchFeeder(backend, classes)) {
      for (int start = 0; start < examples.length; start += task.batchSize()) {
        int n = Math.min(task.batchSize(), examples.length - start);
        TrainStep step = learner.trainLater(feeder.batch(train, examples, start, n, augmentation, task.epoch())).get();
        errors += step.errors();
        energySum += step.energy();
        freeSteps += step.freeSteps();
      }
    } catch (DivergenceException e) {
      // reported, not thrown: a diverging minibatch diverges again on every retry
      return new Workers.Result(Map.of(), learnerRandom.state(), errors, energySum, freeSteps, e.getMessage());
    }
    return new Workers.Result(exportState(), learnerRandom.state(), errors, energySum, freeSteps, null);
  }

  /** Every checkpointed tensor (parameters, optimizer state) copied to the host. */
  Map<String, float[]> exportState() {
    Map<String, float[]> out = new LinkedHashMap<>();
    checkpointTensors().forEach((name, t) -> out.put(name, backend.toHost(t)));
    return out;
  }

  /** Copies {@code state} into the tensors of the same names. */
  void importState(Map<String, float[]> state) {
    Map<String, Tensor> targets = checkpointTensors();
    if (!targets.keySet().equals(state.keySet())) {
      throw new IllegalStateException("a worker's tensors " + state.keySet() + " are not this run's " + targets.keySet());
    }
    targets.forEach((name, t) -> backend.upload(state.get(name), t));
  }

  /**
   * The element-wise mean of the workers' states, summed in double precision in the workers' order
   * (one state is returned exactly as it is).
   */
  public static Map<String, float[]> average(List<Map<String, float[]>> states) {
    if (states.size() == 1) {
      return states.get(0);
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    for (String name : states.get(0).keySet()) {
      int length = states.get(0).get(name).length;
      float[] mean = new float[length];
      for (int i = 0; i < length; i++) {
        double sum = 0;
        for (Map<String, float[]> s : states) {
          sum += s.get(name)[i];
        }
        mean[i] = (float) (sum / states.size());
      }
      out.put(name, mean);
    }
    return out;
  }

  /** Test error of the current parameters. */
  public double evaluate(Dataset data) {
    try (BatchFeeder feeder = new BatchFeeder(backend, classes)) {
      return new Evaluator(learner, feeder, config.training().evalBatchSize()).error(data);
    }
  }

  /** Fills {@code order} with a fresh random permutation from the shuffling stream (Fisher–Yates). */
  private void shuffled(int[] order) {
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = shuffle.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
