package io.oscope.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs {@code args[0]} numbered access lines as fast as it can, then exits as SIGTERM would. */
public final class LogLines {
  private LogLines() {}

  public static void main(String[] args) {
    Logger access = LoggerFactory.getLogger("oscope.access");
    int count = Integer.parseInt(args[0]);
    for (int i = 0; i < count; i++) access.info("line {}", i);
    System.exit(0);
  }
}
