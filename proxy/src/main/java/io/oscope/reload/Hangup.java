package io.oscope.reload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action on SIGHUP, the Unix convention for "reload your configuration". Uses the JDK's
 * {@code sun.misc.Signal} (module jdk.unsupported), which every OpenJDK build ships.
 */
public final class Hangup {
  private static final Logger LOG = LoggerFactory.getLogger(Hangup.class);

  private Hangup() {}

  /** Calls {@code action} on every SIGHUP; logs and returns false where signals are unavailable. */
  @SuppressWarnings("restriction")
  public static boolean onSignal(Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.warn("SIGHUP cannot be handled on this platform: {}", e.getMessage());
      return false;
    }
  }
}
