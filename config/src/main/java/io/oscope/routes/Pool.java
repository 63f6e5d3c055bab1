package io.oscope.routes;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One or more addresses that serve alike: a service's backends, or a cloud's proxies. Written in a
 * route file as {@code "10.0.2.15:9292"}, {@code "10.0.2.15:9292,10.0.2.16:9292"} or a JSON list;
 * {@code https://} before every address means the pool is reached over TLS.
 *
 * @param addresses distinct, in the order written, at least one
 * @param tls whether the members speak HTTPS
 */
public record Pool(List<HostPort> addresses, boolean tls) {
  public Pool {
    if (addresses == null || addresses.isEmpty()) throw new IllegalArgumentException("a pool needs an address");
    Set<HostPort> distinct = new LinkedHashSet<>(addresses);
    if (distinct.size() != addresses.size()) throw new IllegalArgumentException("an address is listed twice");
    addresses = List.copyOf(addresses);
  }

  /** A plain-HTTP pool of the given addresses. */
  public static Pool of(HostPort... addresses) {
    return new Pool(List.of(addresses), false);
  }

  /**
   * Parses {@code [https://]host:port[,[https://]host:port…]}; each address as
   * {@link HostPort#parse}. Every member must use the same scheme.
   */
  public static Pool parse(String text) {
    List<HostPort> addresses = new ArrayList<>();
    Boolean tls = null;
    for (String part : text.split(",")) {
      if (part.isBlank()) continue;
      String member = part.strip();
      boolean https = member.regionMatches(true, 0, "https://", 0, 8);
      if (tls != null && tls != https) throw new IllegalArgumentException("a pool mixes http and https members");
      tls = https;
      addresses.add(HostPort.parse(member));
    }
    return new Pool(addresses, tls != null && tls);
  }

  /** The scheme to reach the members with. */
  public String scheme() {
    return tls ? "https" : "http";
  }

  /** Whether {@code address} is a member. */
  public boolean contains(HostPort address) {
    return addresses.contains(address);
  }

  /** Whether the two pools share an address. */
  public boolean overlaps(Pool other) {
    return addresses.stream().anyMatch(other::contains);
  }

  public int size() {
    return addresses.size();
  }

  /** {@code a:1,b:2} (or {@code https://a:1,https://b:2}): how a route file writes it. */
  @Override
  public String toString() {
    String prefix = tls ? "https://" : "";
    return addresses.stream().map(address -> prefix + address).collect(Collectors.joining(","));
  }
}
