package io.oscope.pool;

import io.oscope.routes.HostPort;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream address as the balancer sees it: requests outstanding, and whether it is up.
 * Updated from event loops and the health checker concurrently, hence atomics; a change of state
 * is reported once, by whoever caused it.
 */
public final class Member {
  private final HostPort address;
  private final String label;
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger successes = new AtomicInteger();
  private volatile boolean up = true;
  private volatile boolean lastCheckPassed;
  private volatile String lastProblem = "";

  Member(HostPort address) {
    this.address = address;
    this.label = address.toString();
  }

  public HostPort address() {
    return address;
  }

  /** The address as text, made once: logs name it on every request. */
  public String label() {
    return label;
  }

  public boolean isUp() {
    return up;
  }

  /** Whether the last active check passed (false until one has). */
  public boolean lastCheckPassed() {
    return lastCheckPassed;
  }

  public int outstanding() {
    return outstanding.get();
  }

  /** What made the last check or request fail, for operators. */
  public String lastProblem() {
    return lastProblem;
  }

  void begin() {
    outstanding.incrementAndGet();
  }

  void end() {
    outstanding.decrementAndGet();
  }

  void checked(boolean passed) {
    lastCheckPassed = passed;
  }

  /** Records a success; returns true if it brought the member up. */
  boolean succeeded(int rise) {
    failures.set(0);
    if (up) return false;
    if (successes.incrementAndGet() >= rise) {
      successes.set(0);
      up = true;
      return true;
    }
    return false;
  }

  /** Records a failure; returns true if it took the member down. */
  boolean failed(int fall, String problem) {
    successes.set(0);
    lastProblem = problem;
    if (!up) return false;
    if (failures.incrementAndGet() >= fall) {
      failures.set(0);
      up = false;
      return true;
    }
    return false;
  }
}
