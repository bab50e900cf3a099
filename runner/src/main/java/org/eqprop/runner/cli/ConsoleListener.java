package org.eqprop.runner.cli;

import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.eqprop.runner.train.EpochResult;
import org.eqprop.runner.train.TrainingListener;

/**
 * What {@code eqprop train} shows: a progress bar per epoch on a terminal (samples/s and running
 * error), one line per epoch, JSON lines with {@code --json}, or nothing with {@code --quiet}.
 */
final class ConsoleListener implements TrainingListener {
  /** How to show a run. */
  enum Mode {
    /** a progress bar per epoch and a line per epoch (on a terminal) */
    BAR,
    /** a line per epoch (pipes, CI) */
    LINES,
    /** one JSON object per epoch on standard output, nothing else there */
    JSON,
    /** nothing but errors */
    QUIET
  }

  private final Mode mode;
  private final PrintWriter out;
  private final int epochs;
  private ProgressBar bar;

  ConsoleListener(Mode mode, PrintWriter out, int epochs) {
    this.mode = mode;
    this.out = out;
    this.epochs = epochs;
  }

  /** The mode for the flags given and whether a terminal is attached. */
  static Mode mode(boolean quiet, boolean json) {
    if (quiet) {
      return Mode.QUIET;
    }
    if (json) {
      return Mode.JSON;
    }
    return System.console() != null ? Mode.BAR : Mode.LINES;
  }

  /** Prints an informational line (not in JSON or quiet mode). */
  void info(String line) {
    if (mode == Mode.BAR || mode == Mode.LINES) {
      out.println(line);
      out.flush();
    }
  }

  @Override
  public void epochStarted(int epoch, int batches, int firstBatch) {
    if (mode == Mode.BAR) {
      bar = new ProgressBarBuilder()
          .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
          .setInitialMax(batches)
          .setStyle(ProgressBarStyle.ASCII)
          .setUnit(" batches", 1)
          .continuousUpdate()
          .build();
      bar.stepTo(firstBatch);
    }
  }

  @Override
  public void batchDone(int batchesDone, long samples, long errors, double seconds) {
    if (bar != null) {
      bar.stepTo(batchesDone);
      bar.setExtraMessage(String.format(Locale.ROOT, "%,.0f samples/s, error %.2f%%",
          samples / Math.max(seconds, 1e-9), 100.0 * errors / Math.max(samples, 1)));
    }
  }

  @Override
  public void epochDone(EpochResult r) {
    closeBar();
    switch (mode) {
      case BAR, LINES -> out.println(r.line(epochs));
      case JSON -> out.println(r.json());
      case QUIET -> { }
    }
    out.flush();
  }

  /** Removes a progress bar left by an interrupted epoch. */
  void closeBar() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
