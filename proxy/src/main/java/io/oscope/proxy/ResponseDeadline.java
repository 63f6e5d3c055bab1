package io.oscope.proxy;

import io.netty.util.concurrent.Ticker;
import java.time.Duration;

/**
 * One request's response timeout on the proxy's clock: it runs from the request's end to the
 * final response head (interim answers do not move it), then from each read of the body to the
 * next. The {@link Deadlines} sweep asks whether it {@link #struck}.
 */
final class ResponseDeadline {
  private final Ticker ticker;
  private final long timeout;
  private boolean running;
  private long at;

  ResponseDeadline(Ticker ticker, Duration timeout) {
    this.ticker = ticker;
    this.timeout = timeout.toNanos();
  }

  void start() {
    running = true;
    at = ticker.nanoTime() + timeout;
  }

  /** A read of the body came: the timeout starts again, if it runs. */
  void restart() {
    if (running) at = ticker.nanoTime() + timeout;
  }

  void stop() {
    running = false;
  }

  /** Whether it runs and ran out by {@code now}. */
  boolean struck(long now) {
    return running && now - at >= 0;
  }
}
