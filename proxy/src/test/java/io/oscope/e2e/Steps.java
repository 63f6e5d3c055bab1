package io.oscope.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The time of each step of the end-to-end suite: printed as each step ends, and as a table when
 * the suite ends ({@link E2eExtension}).
 */
final class Steps {
  /** A step's body. */
  @FunctionalInterface
  interface Body<T> {
    T run() throws Exception;
  }

  /** A step's body without result. */
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  record Timing(String suite, String step, double seconds, boolean ok) {}

  private static final List<Timing> TIMINGS = new ArrayList<>();
  private static final long SUITE_START = System.nanoTime();
  private static volatile String suite = "-";

  private Steps() {}

  /** Names the test class whose steps follow. */
  static void suite(String name) {
    suite = name;
  }

  /** Runs a step and prints how long it took, also when it fails. */
  static <T> T time(String step, Body<T> body) throws Exception {
    long start = System.nanoTime();
    boolean ok = false;
    try {
      T result = body.run();
      ok = true;
      return result;
    } finally {
      double seconds = (System.nanoTime() - start) / 1e9;
      synchronized (TIMINGS) {
        TIMINGS.add(new Timing(suite, step, seconds, ok));
      }
      System.out.printf(Locale.ROOT, "[e2e] %-22s %-80s %6.2f s%s%n", suite, step, seconds, ok ? "" : "  FAILED");
    }
  }

  static void time(String step, Action action) throws Exception {
    time(step, () -> {
      action.run();
      return null;
    });
  }

  /** The table of every step so far, and the total. */
  static String summary() {
    StringBuilder out = new StringBuilder();
    double sum = 0;
    synchronized (TIMINGS) {
      out.append(String.format(Locale.ROOT, "[e2e] %d steps:%n", TIMINGS.size()));
      for (Timing t : TIMINGS) {
        out.append(String.format(Locale.ROOT, "[e2e]   %6.2f s  %-22s %s%s%n", t.seconds(), t.suite(), t.step(),
            t.ok() ? "" : "  FAILED"));
        sum += t.seconds();
      }
    }
    double wall = (System.nanoTime() - SUITE_START) / 1e9;
    out.append(String.format(Locale.ROOT, "[e2e] steps %.1f s, whole suite %.1f s%n", sum, wall));
    return out.toString();
  }
}
