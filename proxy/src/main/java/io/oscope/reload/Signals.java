package io.oscope.reload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unix signals an operator sends a proxy: {@code SIGHUP} to reload its configuration,
 * {@code SIGTERM} and {@code SIGINT} to stop gracefully. Uses the JDK's {@code sun.misc.Signal}
 * (module jdk.unsupported), which every OpenJDK build ships.
 */
public final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /**
   * Calls {@code action} on every SIGHUP; false, with a warning logged, when this process cannot
   * get it.
   */
  public static boolean onHangup(Runnable action) {
    return handle("HUP", action);
  }

  /**
   * Calls {@code stop} on SIGTERM or SIGINT, once, instead of the JVM's abrupt default, then exits
   * with status 0.
   */
  public static void onTerminate(Runnable stop) {
    Runnable once = new Runnable() {
      private boolean stopping;

      @Override
      public synchronized void run() {
        if (stopping) return;
        stopping = true;
        try {
          stop.run();
        } catch (RuntimeException | Error e) {
          LOG.error("stopping failed", e);
        } finally {
          System.exit(0);
        }
      }
    };
    handle("TERM", () -> new Thread(once, "oscope-stop").start());
    handle("INT", () -> new Thread(once, "oscope-stop").start());
  }

  @SuppressWarnings("restriction")
  private static boolean handle(String name, Runnable action) {
    try {
      sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
      if (previous == sun.misc.SignalHandler.SIG_IGN) {
        // A signal ignored when the JVM started (nohup ignores SIGHUP, a shell's & SIGINT) stays
        // ignored: the JVM does not take it over, and nothing would tell the operator.
        LOG.warn("SIG{} is ignored by this process (started under nohup or in the background?) and cannot be"
            + " handled", name);
        return false;
      }
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.warn("SIG{} cannot be handled on this platform: {}", name, e.getMessage());
      return false;
    }
  }
}
