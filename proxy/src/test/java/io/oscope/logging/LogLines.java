package io.oscope.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs {@code args[0]} numbered access lines as fast as it can, half through logback's logger and
 * half through {@link AccessLog}, then exits as SIGTERM would.
 */
public final class LogLines {
  private LogLines() {}

  public static void main(String[] args) {
    Logger access = LoggerFactory.getLogger(AccessLog.LOGGER);
    AccessLog direct = AccessLog.configured();
    if (!direct.direct()) throw new IllegalStateException("the shipped configuration must be written to directly");
    int count = Integer.parseInt(args[0]);
    for (int i = 0; i < count; i++) {
      if (i % 2 == 0) access.info("line {}", i);
      else direct.log("line " + i);
    }
    System.exit(0);
  }
}
