package io.oscope.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.oscope.pool.Member;
import io.oscope.routes.HostPort;
import io.oscope.upstream.AddressLoad;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The meters of each upstream address of the route table in use: whether it is up, its
 * connections in use and idle, the requests refused at its limit. Brought in step with the table
 * before each scrape: an address that left the route file leaves no series behind.
 */
final class UpstreamMeters {
  private final MeterRegistry registry;
  private final Map<HostPort, Registered> byAddress = new HashMap<>();

  /** One address's meters, and the objects they read (re-registered if the pool replaces them). */
  private record Registered(Member member, AddressLoad load, List<Meter> meters) {}

  UpstreamMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  synchronized void update(List<Member> members, Function<HostPort, AddressLoad> loads) {
    Set<HostPort> current = members.stream().map(Member::address).collect(Collectors.toSet());
    for (Iterator<Map.Entry<HostPort, Registered>> it = byAddress.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<HostPort, Registered> entry = it.next();
      if (!current.contains(entry.getKey())) {
        entry.getValue().meters().forEach(registry::remove);
        it.remove();
      }
    }
    for (Member member : members) {
      AddressLoad load = loads.apply(member.address());
      Registered registered = byAddress.get(member.address());
      if (registered != null && registered.member() == member && registered.load() == load) continue;
      if (registered != null) registered.meters().forEach(registry::remove);
      byAddress.put(member.address(), new Registered(member, load, register(member, load)));
    }
  }

  private List<Meter> register(Member member, AddressLoad load) {
    Tags address = Tags.of("address", member.label());
    return List.of(
        Gauge.builder("oscope.upstream.up", member, m -> m.isUp() ? 1 : 0)
            .description("1 if the upstream address is up, 0 if it is down").tags(address)
            .strongReference(true).register(registry),
        Gauge.builder("oscope.upstream.connections", load, AddressLoad::inUse)
            .description("Connections to the upstream address: in use (lent or connecting) or idle in the pools")
            .tags(address).tag("state", "in_use").strongReference(true).register(registry),
        Gauge.builder("oscope.upstream.connections", load, AddressLoad::idle)
            .description("Connections to the upstream address: in use (lent or connecting) or idle in the pools")
            .tags(address).tag("state", "idle").strongReference(true).register(registry),
        FunctionCounter.builder("oscope.upstream.refused", load, AddressLoad::refused)
            .description("Requests refused because the address had --max-upstream-connections in use")
            .tags(address).register(registry)); // weakly held: byAddress keeps the load
  }
}
