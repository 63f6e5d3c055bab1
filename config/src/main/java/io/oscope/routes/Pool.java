package io.oscope.routes;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One or more addresses that serve alike: a service's backends, or a cloud's proxies. Written in a
 * route file as {@code "10.0.2.15:9292"}, {@code "10.0.2.15:9292,10.0.2.16:9292"} or a JSON list.
 *
 * @param addresses distinct, in the order written, at least one
 */
public record Pool(List<HostPort> addresses) {
  public Pool {
    if (addresses == null || addresses.isEmpty()) throw new IllegalArgumentException("a pool needs an address");
    Set<HostPort> distinct = new LinkedHashSet<>(addresses);
    if (distinct.size() != addresses.size()) throw new IllegalArgumentException("an address is listed twice");
    addresses = List.copyOf(addresses);
  }

  /** A pool of the given addresses. */
  public static Pool of(HostPort... addresses) {
    return new Pool(List.of(addresses));
  }

  /** Parses {@code host:port[,host:port…]}; each address as {@link HostPort#parse}. */
  public static Pool parse(String text) {
    List<HostPort> addresses = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) addresses.add(HostPort.parse(part));
    }
    return new Pool(addresses);
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

  /** {@code a:1,b:2}: how a route file writes it. */
  @Override
  public String toString() {
    return addresses.stream().map(HostPort::toString).collect(Collectors.joining(","));
  }
}
