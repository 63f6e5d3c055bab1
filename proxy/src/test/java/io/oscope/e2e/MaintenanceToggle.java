package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a maintenance toggle to reach a proxy, which reads a project's state every
 * {@code --tenant-state-ttl} (5 s in dev/clouds), by running a command until the proxy answers it
 * the new way: no sleep, and at most {@link #SECONDS}.
 */
final class MaintenanceToggle {
  static final long SECONDS = 60;

  /** What to undo when a write went through before the toggle arrived. */
  @FunctionalInterface
  interface Undo {
    void undo(Cli.Result done) throws Exception;
  }

  private MaintenanceToggle() {}

  /** Runs the command until the proxy refuses it as in maintenance; {@code undo} cleans up a run that went through. */
  static Cli.Result awaitRefused(Cli cli, Undo undo, String step, Map<String, String> env, String... args)
      throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    Cli.Result r;
    do {
      r = cli.run(step, env, args);
      if (r.exit() != 0 && r.err().contains("is in maintenance")) return r;
      if (r.exit() == 0) undo.undo(r);
    } while (System.nanoTime() < until);
    throw new AssertionError("maintenance did not reach the proxy within " + SECONDS + " s: " + r.describe());
  }

  /** Runs the command until it succeeds: the end of maintenance has reached the proxy. */
  static Cli.Result awaitAccepted(Cli cli, String step, Map<String, String> env, String... args) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    Cli.Result r;
    do {
      r = cli.run(step, env, args);
      if (r.exit() == 0) return r;
      assertThat(r.err()).as(r.describe()).contains("is in maintenance");
    } while (System.nanoTime() < until);
    throw new AssertionError("the end of maintenance did not reach the proxy within " + SECONDS + " s: " + r.describe());
  }
}
