package io.oscope.upstream;

import io.oscope.routes.HostPort;

/**
 * A request would open one connection too many to an address: {@code limit} are in use already
 * ({@code --max-upstream-connections}). Nothing was sent.
 */
public final class ConnectionLimitReached extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient HostPort address;
  private final int limit;

  ConnectionLimitReached(HostPort address, int limit) {
    super(address + " has " + limit + " connections in use", null, false, false);
    this.address = address;
    this.limit = limit;
  }

  public HostPort address() {
    return address;
  }

  public int limit() {
    return limit;
  }
}
