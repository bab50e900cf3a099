package org.eqprop.backend.jcuda;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The main class of the JVM that {@link EmulatorSanitizerTest} starts with {@code libasan}
 * preloaded and the sanitized emulator named by {@link EmulatedDevice#LIBRARY}. {@code launch
 * KERNEL THREADS SHARED_BYTES N} runs one launch of a kernel with arguments {@code (float* out, int
 * n)} and prints {@code no report}; {@code kit CLASS...} runs test classes through the JUnit
 * launcher and exits 1 if one fails. A sanitizer report ends the JVM before either.
 */
final class SanitizedRun {
  private SanitizedRun() {}

  public static void main(String[] args) throws ClassNotFoundException {
    if (args[0].equals("launch")) {
      int n = Integer.parseInt(args[4]);
      try (EmulatedDevice device = new EmulatedDevice()) {
        long out = device.alloc((long) n * Float.BYTES);
        device.launch(args[1], 1, 1, Integer.parseInt(args[2]), 1, Integer.parseInt(args[3]),
            new KernelArgs().ptr(out).i32(n));
      }
      System.out.println("no report");
      return;
    }
    LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
    for (int i = 1; i < args.length; i++) {
      request.selectors(selectClass(Class.forName(args[i])));
    }
    LauncherDiscoveryRequest built = request.build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(built, listener);
    TestExecutionSummary summary = listener.getSummary();
    summary.printTo(new java.io.PrintWriter(System.out));
    summary.printFailuresTo(new java.io.PrintWriter(System.out), 20);
    System.exit(summary.getTotalFailureCount() == 0 && summary.getTestsSucceededCount() > 0 ? 0 : 1);
  }
}
