package io.oscope.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The client connections of one event loop, whose deadlines a periodic sweep on that loop checks
 * with the proxy's clock: one task per loop instead of a timer per connection or per request, and
 * tests that move the clock and {@link #sweep} instead of waiting. A deadline is met at most one
 * period late; the period is a quarter of the shortest timeout, from 10 ms to 1 s.
 */
final class Deadlines {
  private static final FastThreadLocal<Deadlines> OF_LOOP = new FastThreadLocal<>();

  private final ProxyContext context;
  private final Set<ClientConnection> connections = new LinkedHashSet<>();

  private Deadlines(ProxyContext context) {
    this.context = context;
  }

  /** The deadlines of {@code loop}, the caller's event loop; the sweep starts with the first call. */
  static Deadlines of(EventExecutor loop, ProxyContext context) {
    Deadlines deadlines = OF_LOOP.get();
    if (deadlines == null) {
      deadlines = new Deadlines(context);
      OF_LOOP.set(deadlines);
      long period = period(context.settings()).toNanos();
      Deadlines swept = deadlines;
      loop.scheduleAtFixedRate(swept::sweep, period, period, TimeUnit.NANOSECONDS);
    }
    return deadlines;
  }

  /** The calling event loop's deadlines, or null if it has no client connection yet. */
  static Deadlines current() {
    return OF_LOOP.getIfExists();
  }

  static Duration period(ProxySettings settings) {
    Duration shortest = settings.maxIdle();
    for (Duration limit : new Duration[] {settings.headTimeout(), settings.bodyTimeout(), settings.responseTimeout()}) {
      if (limit.compareTo(shortest) < 0) shortest = limit;
    }
    long millis = Math.max(10, Math.min(1000, shortest.toMillis() / 4));
    return Duration.ofMillis(millis);
  }

  void add(ClientConnection connection) {
    connections.add(connection);
  }

  void remove(ClientConnection connection) {
    connections.remove(connection);
  }

  /** Checks every connection's deadlines now. */
  void sweep() {
    long now = context.ticker().nanoTime();
    // A check may close a connection, which then leaves the set.
    for (ClientConnection connection : new ArrayList<>(connections)) connection.checkDeadlines(now);
  }
}
