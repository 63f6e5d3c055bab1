package io.oscope.proxy;

import io.netty.handler.codec.http.HttpMethod;
import io.oscope.routes.HostPort;
import java.util.HashSet;
import java.util.Set;

/**
 * The addresses of its pool one request tried, and whether it may try again after a failed try,
 * as {@link RetryPolicy} decides. Most requests try once: the first address costs no HashSet.
 */
final class Tries {
  private Set<HostPort> tried = Set.of();
  private boolean staleRetried;

  /** The addresses not to pick again. */
  Set<HostPort> tried() {
    return tried;
  }

  void add(HostPort address) {
    if (tried.isEmpty()) tried = Set.of(address);
    else mutable().add(address);
  }

  /**
   * Whether to try the pool again after {@code failure} at {@code address}, as {@link RetryPolicy}
   * decides; an address whose pooled connection was only stale may be picked again, once
   * ({@link RetryPolicy.Decision#RETRY_ANY}).
   */
  RetryPolicy.Decision again(RetryPolicy.Failure failure, HostPort address, HttpMethod method, boolean hasBody,
      int retries) {
    RetryPolicy.Decision decision = RetryPolicy.decide(failure, method, hasBody, tried.size(), retries, staleRetried);
    if (decision == RetryPolicy.Decision.RETRY_ANY) {
      staleRetried = true;
      mutable().remove(address);
    }
    return decision;
  }

  private Set<HostPort> mutable() {
    if (!(tried instanceof HashSet)) tried = new HashSet<>(tried);
    return tried;
  }
}
