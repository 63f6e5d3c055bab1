package io.oscope.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oscope.pool.Member;
import io.oscope.proxy.ScopeProxy;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteTable;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Whether the proxy is ready for traffic: its route table is loaded (always, once started), the
 * first health checks are done, and every service of its own cloud has a backend that is up and
 * passed its last check.
 */
final class Readiness {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ScopeProxy proxy;

  Readiness(ScopeProxy proxy) {
    this.proxy = proxy;
  }

  /** {@code {"ready": true|false, "version": …, "backends": {"image 127.0.0.1:9292": "up"|"down: …"}}}. */
  Mono<ObjectNode> check() {
    return proxy.firstHealthChecks().then(Mono.fromCallable(this::report));
  }

  private ObjectNode report() {
    RouteTable table = proxy.table();
    ObjectNode states = JSON.createObjectNode();
    boolean ready = true;
    for (Map.Entry<String, Set<HostPort>> service : table.localBackends().entrySet()) {
      boolean anyUp = false;
      for (HostPort address : service.getValue()) {
        Member member = proxy.balancer().member(address);
        boolean up = member.isUp() && member.lastCheckPassed();
        anyUp |= up;
        states.put(service.getKey() + " " + address, up ? "up" : "down: " + member.lastProblem());
      }
      ready &= anyUp;
    }
    ObjectNode report = JSON.createObjectNode();
    report.put("ready", ready);
    report.put("version", table.version());
    report.set("backends", states);
    return report;
  }
}
