package org.eqprop.runner;

import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import java.io.PrintWriter;
import java.util.ServiceLoader;
import org.eqprop.runner.cli.BackendsCommand;
import org.eqprop.runner.cli.BenchCommand;
import org.eqprop.runner.cli.CheckModelCommand;
import org.eqprop.runner.cli.GradCheckCommand;
import org.eqprop.runner.cli.EvaluateCommand;
import org.eqprop.runner.cli.ExtensionCommand;
import org.eqprop.runner.cli.ModelsCommand;
import org.eqprop.runner.cli.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code eqprop} command. Exit codes: 0 on success, 2 for usage, configuration and data errors,
 * 1 for failures while running. Errors are one line on standard error; {@code --verbose} adds the
 * stack trace.
 */
@Command(
    name = "eqprop",
    mixinStandardHelpOptions = true,
    version = "eqprop 0.1.0",
    description = "Equilibrium Propagation on the JVM.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, BackendsCommand.class, ModelsCommand.class, CheckModelCommand.class, BenchCommand.class,
        GradCheckCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces of errors and debug logging.")
  boolean verbose;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a subcommand is required: train, evaluate, backends, models, check-model, bench (see eqprop --help)");
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    // SLF4J's simple logger reads its level once, before the first logger exists
    java.util.List<String> list = java.util.Arrays.asList(args);
    String level = list.contains("--quiet") ? "warn" : list.contains("--verbose") ? "debug" : null;
    if (level != null && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    }
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams and returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    Main main = new Main();
    CommandLine cl = new CommandLine(main);
    // before the handlers below: picocli gives them only to the subcommands already added
    for (ExtensionCommand extension : ServiceLoader.load(ExtensionCommand.class)) {
      cl.addSubcommand(extension);
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          String hint = "";
          if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            hint = " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
          }
          err.println("eqprop: " + ex.getMessage() + hint);
          CommandLine c = ex.getCommandLine();
          err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
          err.flush();
          return EqpropException.USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          Throwable cause = unwrap(ex);
          OutOfMemoryError oom = outOfMemory(ex);
          if (oom != null) {
            err.println(outOfMemoryLine(oom));
            err.flush();
            return EqpropException.FAILURE;
          }
          int code = cause instanceof EqpropException e ? e.exitCode() : EqpropException.FAILURE;
          String message = cause instanceof java.io.IOException io
              ? org.eqprop.runner.run.IoErrors.describe(io)
              : cause.getMessage() != null ? cause.getMessage() : cause.toString();
          err.println("eqprop: " + (code == EqpropException.FAILURE && !(cause instanceof EqpropException) ? "error: " : "") + message);
          if (main.verbose) {
            ex.printStackTrace(err);
          }
          err.flush();
          return code;
        });
    int code;
    try {
      code = cl.execute(args);
    } catch (OutOfMemoryError e) {
      err.println(outOfMemoryLine(e));
      err.flush();
      code = EqpropException.FAILURE;
    }
    out.flush();
    return code;
  }

  /** The out-of-memory error in {@code t}'s causes (Guice wraps one thrown while providing), or null. */
  static OutOfMemoryError outOfMemory(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof OutOfMemoryError o) {
        return o;
      }
    }
    if (t instanceof ProvisionException p) {
      for (var m : p.getErrorMessages()) {
        if (m.getCause() instanceof OutOfMemoryError o) {
          return o;
        }
      }
    }
    return null;
  }

  /**
   * What the estimate before allocating did not foresee, in one line; checkpoints are replaced
   * atomically, so a run's last good one is whole.
   */
  static String outOfMemoryLine(OutOfMemoryError e) {
    return "eqprop: out of memory (" + e.getMessage() + "): the JVM may use " + (Runtime.getRuntime().maxMemory() >> 20)
        + " MB; raise the limit (e.g. EQPROP_JAVA_OPTS=-Xmx8g) or lower training.batch-size; a run's last good "
        + "checkpoint is kept";
  }

  /** The exception worth reporting: the first {@link EqpropException} in the chain, else Guice's cause. */
  static Throwable unwrap(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof EqpropException) {
        return c;
      }
    }
    Throwable inner = null;
    if (t instanceof ProvisionException p && !p.getErrorMessages().isEmpty()) {
      inner = p.getErrorMessages().iterator().next().getCause();
    } else if (t instanceof CreationException c && !c.getErrorMessages().isEmpty()) {
      inner = c.getErrorMessages().iterator().next().getCause();
    }
    return inner != null ? unwrap(inner) : t;
  }
}
