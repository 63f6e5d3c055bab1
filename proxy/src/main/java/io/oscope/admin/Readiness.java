package io.oscope.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oscope.proxy.ScopeProxy;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceEntry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.tcp.TcpClient;

/**
 * Whether the proxy is ready for traffic: its route table is loaded (always, once started) and, for
 * every service of its own cloud, the backend accepts a TCP connection now. Probed on each call,
 * concurrently, each within {@value #PROBE_MILLIS} ms; nothing blocks an event loop.
 */
final class Readiness {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PROBE_MILLIS = 1000;

  private final ScopeProxy proxy;

  Readiness(ScopeProxy proxy) {
    this.proxy = proxy;
  }

  /** {@code {"ready": true|false, "version": …, "backends": {"image 127.0.0.1:9292": "up"|"down: …"}}}. */
  Mono<ObjectNode> check() {
    RouteTable table = proxy.table();
    Map<String, Set<HostPort>> backends = new TreeMap<>();
    for (ServiceEntry entry : table.entries()) {
      if (entry.cloud().equals(table.localCloud()) && entry.backend() != null) {
        backends.computeIfAbsent(entry.serviceType(), type -> new TreeSet<>(java.util.Comparator.comparing(HostPort::toString)))
            .add(entry.backend());
      }
    }
    return Flux.fromIterable(backends.entrySet())
        .flatMap(service -> Flux.fromIterable(service.getValue())
            .flatMap(address -> probe(address).map(state -> Map.entry(service.getKey() + " " + address, state))))
        .collectList()
        .map(states -> {
          ObjectNode report = JSON.createObjectNode();
          ObjectNode byBackend = JSON.createObjectNode();
          Set<String> up = new TreeSet<>();
          states.stream().sorted(Map.Entry.comparingByKey()).forEach(state -> {
            byBackend.put(state.getKey(), state.getValue());
            if (state.getValue().equals("up")) up.add(state.getKey().substring(0, state.getKey().indexOf(' ')));
          });
          report.put("ready", up.containsAll(backends.keySet()));
          report.put("version", table.version());
          report.set("backends", byBackend);
          return report;
        });
  }

  private static Mono<String> probe(HostPort address) {
    return TcpClient.create()
        .host(address.host())
        .port(address.port())
        .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) PROBE_MILLIS)
        .connect()
        .map(connection -> {
          connection.dispose();
          return "up";
        })
        .timeout(Duration.ofMillis(PROBE_MILLIS * 2))
        .onErrorResume(error -> Mono.just("down: " + (error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage())));
  }
}
