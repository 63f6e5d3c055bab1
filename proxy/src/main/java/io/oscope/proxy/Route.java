package io.oscope.proxy;

import io.oscope.routes.Pool;
import java.util.List;

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
 * @param scope the complete scope to send on and its headers, or {@code null} when passed through.
 *     A route that goes upstream names its one cloud for its service in it: a peer never fails
 *     over or fans out again
 * @param fallbacks for {@code A | B | C}: the routes to try in turn after this one ({@code B}, then
 *     {@code C}), each naming its own single cloud; empty otherwise
 * @param fanOut for {@code A & B}: one route per operand, each with its own fallbacks when the
 *     operand is an {@code |} group; empty otherwise. The fan-out route's own destination fields
 *     are its first operand's and {@code cloud} is the expression: it is never forwarded as such
 */
record Route(
    String serviceType,
    String cloud,
    Pool upstream,
    String pathAndQuery,
    String host,
    String forwardedHost,
    String absoluteUri,
    ScopeHeaders scope,
    List<Route> fallbacks,
    List<Route> fanOut) {

  Route {
    fallbacks = List.copyOf(fallbacks);
    fanOut = List.copyOf(fanOut);
  }

  /** A route to one cloud, with nothing to fail over to. */
  Route(String serviceType, String cloud, Pool upstream, String pathAndQuery, String host, String forwardedHost,
      String absoluteUri, ScopeHeaders scope) {
    this(serviceType, cloud, upstream, pathAndQuery, host, forwardedHost, absoluteUri, scope, List.of(), List.of());
  }

  /** This route with {@code fallbacks} to try after it. */
  Route withFallbacks(List<Route> fallbacks) {
    return new Route(serviceType, cloud, upstream, pathAndQuery, host, forwardedHost, absoluteUri, scope, fallbacks,
        fanOut);
  }

  /** Whether this route sends the request to several clouds at once ({@code &}). */
  boolean fansOut() {
    return !fanOut.isEmpty();
  }

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
