package io.oscope.proxy;

import io.oscope.routes.Pool;

/**
 * The decision for one request, taken before any byte is forwarded.
 *
 * @param serviceType the targeted service, or {@code null} for a request passed through as-is
 * @param cloud the cloud that serves it, or {@code null} when passed through
 * @param upstream where to connect: a local backend pool, a peer's proxies, or a pass-through target
 * @param pathAndQuery the origin-form request target to send
 * @param host the {@code Host} header to send: the request target's authority, unless the request
 *     goes to a peer proxy (then the authority of {@code absoluteUri})
 * @param forwardedHost the request target's authority (from the request line in absolute form, else
 *     the client's {@code Host}): the {@code X-Forwarded-Host} this proxy vouches for
 * @param absoluteUri for a peer proxy, the absolute-form request target; otherwise {@code null}
 * @param scope the complete scope to send on and its headers, or {@code null} when passed through
 */
record Route(
    String serviceType,
    String cloud,
    Pool upstream,
    String pathAndQuery,
    String host,
    String forwardedHost,
    String absoluteUri,
    ScopeHeaders scope) {

  boolean passThrough() {
    return serviceType == null;
  }

  boolean toPeer() {
    return absoluteUri != null;
  }

  /** Names the upstream in messages and logs: what it is, not which address. */
  String describeUpstream() {
    if (passThrough()) return "destination";
    return toPeer() ? cloud + " proxy" : cloud + " " + serviceType + " backend";
  }
}
