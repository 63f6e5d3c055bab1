package io.oscope.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.oscope.proxy.ScopeProxy;
import io.oscope.reload.RouteReloader;
import io.oscope.routes.HostPort;
import io.oscope.routes.Problem;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceEntry;
import io.oscope.exchange.MaintenanceToggles;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The admin listener, on loopback unless told otherwise: {@code GET /healthz} (every event loop
 * runs a task within {@link #LOOP_BOUND}),
 * {@code GET /readyz} (the local backends answer), {@code GET /metrics} (Prometheus),
 * {@code GET /pools} (the state of every upstream address),
 * {@code GET /routes} (the table in use: version, load time, entries), {@code POST /reload}
 * (a short answer: {@link #reply}) and the maintenance toggles ({@link TenantEndpoints}).
 */
public final class AdminServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long every event loop has to run a no-op for {@code /healthz} to pass. */
  static final Duration LOOP_BOUND = Duration.ofSeconds(1);

  private final RouteReloader reloader;
  private final DisposableServer server;

  private AdminServer(HostPort listen, RouteReloader reloader, ScopeProxy proxy, AdminGate gate,
      MaintenanceToggles toggles) {
    this.reloader = reloader;
    Readiness readiness = new Readiness(proxy);
    HttpServerRoutes routes = HttpServerRoutes.newRoutes();
    this.server = HttpServer.create()
        .host(listen.host())
        .port(listen.port())
        .handle((request, response) -> {
          AdminGate.Refusal refusal = gate.check(request.method(), request.fullPath(), request.requestHeaders(),
              request.hostAddress() == null ? -1 : request.hostAddress().getPort());
          if (refusal == null) return routes.apply(request, response);
          if (refusal.status() == 401) response.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
          return send(response, refusal.status(), error(refusal.status(), refusal.message()));
        })
        .bindNow();
    routes
            .get("/healthz", (request, response) -> proxy.stuckLoops(LOOP_BOUND)
                .flatMap(stuck -> Mono.from(stuck.isEmpty()
                    ? send(response, 200, JSON.createObjectNode().put("status", "ok"))
                    : send(response, 503, stuck(stuck)))))
            .get("/readyz", (request, response) -> readiness.check()
                .flatMap(report -> Mono.from(send(response, report.path("ready").asBoolean() ? 200 : 503, report))))
            .get("/metrics", (request, response) -> response
                .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                .sendString(Mono.fromCallable(proxy::scrapeMetrics)))
            .get("/pools", (request, response) -> send(response, 200, pools(proxy)))
            .get("/routes", (request, response) -> send(response, 200, describe(reloader.current())))
            .post("/reload", (request, response) -> Mono.fromFuture(reloader.reload())
                .flatMap(outcome -> Mono.from(reply(response, outcome))));
    TenantEndpoints.route(routes, toggles);
  }

  /** Starts the admin listener of {@code proxy} on {@code listen}, on loopback: no token needed. */
  public static AdminServer start(HostPort listen, RouteReloader reloader, ScopeProxy proxy) {
    return start(listen, reloader, proxy, null, Set.of());
  }

  /** As {@link #start(HostPort, RouteReloader, ScopeProxy, String, Set)}, with no other host name. */
  public static AdminServer start(HostPort listen, RouteReloader reloader, ScopeProxy proxy, String token) {
    return start(listen, reloader, proxy, token, Set.of());
  }

  /**
   * Starts the admin listener; with a {@code token}, every endpoint but {@code /healthz} and
   * {@code /readyz} needs {@code Authorization: Bearer <token>}. On loopback, it answers requests
   * whose {@code Host} is a loopback name or address with its port, or one of {@code hostNames}
   * with its port; anywhere, it refuses cross-origin and cross-site requests ({@link AdminGate}).
   *
   * @throws IllegalArgumentException when {@code listen} is not a loopback address and there is no token
   */
  public static AdminServer start(HostPort listen, RouteReloader reloader, ScopeProxy proxy, String token,
      Set<String> hostNames) {
    return start(listen, reloader, proxy, token, hostNames, null);
  }

  /**
   * As {@link #start(HostPort, RouteReloader, ScopeProxy, String, Set)}, with the maintenance
   * toggles ({@link TenantEndpoints}) of the proxy's tenant policy, or {@code null} when it has none.
   */
  public static AdminServer start(HostPort listen, RouteReloader reloader, ScopeProxy proxy, String token,
      Set<String> hostNames, MaintenanceToggles toggles) {
    requireProtected(listen, token);
    return new AdminServer(listen, reloader, proxy, new AdminGate(isLoopback(listen), hostNames, token), toggles);
  }

  /**
   * Fails when {@code listen} is reachable beyond loopback and there is no token. The command
   * calls it before anything binds, so a refused start leaves no port taken.
   *
   * @throws IllegalArgumentException naming the listener and the option that protects it
   */
  public static void requireProtected(HostPort listen, String token) {
    if (token == null && !isLoopback(listen)) {
      throw new IllegalArgumentException("the admin listener " + listen + " is reachable beyond loopback:"
          + " protect it with --admin-token-file");
    }
  }

  private static boolean isLoopback(HostPort listen) {
    try {
      return java.net.InetAddress.getByName(listen.host().replace("[", "").replace("]", "")).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.address();
  }

  /**
   * A short answer, not the table (that is {@code GET /routes}): {@code {"result": "unchanged"}},
   * {@code {"result": "reloaded", "version": …, "routes": N}}, or 422 with
   * {@code {"result": "rejected", "version": <kept>, "problems": […]}}.
   */
  private static Publisher<Void> reply(HttpServerResponse response, RouteReloader.Outcome outcome) {
    ObjectNode body = JSON.createObjectNode();
    if (outcome instanceof RouteReloader.Outcome.Rejected rejected) {
      body.put("result", "rejected").put("version", rejected.kept().table().version());
      ArrayNode problems = body.putArray("problems");
      for (Problem problem : rejected.problems()) problems.add(problem.toString());
      return send(response, 422, body);
    }
    if (outcome instanceof RouteReloader.Outcome.Swapped swapped) {
      RouteTable table = swapped.loaded().table();
      body.put("result", "reloaded").put("version", table.version()).put("routes", table.entries().size());
    } else {
      body.put("result", "unchanged");
    }
    return send(response, 200, body);
  }

  private static ObjectNode pools(ScopeProxy proxy) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode members = body.putObject("upstreams");
    proxy.balancer().members().stream()
        .sorted(java.util.Comparator.comparing(member -> member.address().toString()))
        .forEach(member -> members.putObject(member.address().toString())
            .put("up", member.isUp())
            .put("lastCheckPassed", member.lastCheckPassed())
            .put("outstanding", member.outstanding())
            .put("lastProblem", member.lastProblem()));
    return body;
  }

  private static ObjectNode describe(RouteReloader.Loaded loaded) {
    RouteTable table = loaded.table();
    ObjectNode body = JSON.createObjectNode()
        .put("cloud", table.localCloud())
        .put("version", table.version())
        .put("loadedAt", loaded.loadedAt().toString())
        .put("file", loaded.file().toString());
    ArrayNode clouds = body.putArray("clouds");
    table.clouds().forEach(clouds::add);
    ArrayNode services = body.putArray("services");
    for (ServiceEntry entry : table.entries()) {
      services.addObject()
          .put("Service Type", entry.serviceType())
          .put("Interface", entry.iface().label())
          .put("URL", entry.url().toString())
          .put("Region", entry.cloud())
          .put("Frontend", entry.frontend().toString())
          .put("Backend", entry.backend() == null ? null : entry.backend().toString());
    }
    return body;
  }

  private static ObjectNode stuck(List<String> loops) {
    ObjectNode body = JSON.createObjectNode().put("status", "stuck")
        .put("message", String.join(", ", loops) + " ran no task within " + LOOP_BOUND.toMillis()
            + " ms: the connections it serves are stalled");
    ArrayNode names = body.putArray("stuckLoops");
    loops.forEach(names::add);
    return body;
  }

  /** An error in OpenStack's style, naming the problem. */
  static ObjectNode error(int status, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("code", status)
        .put("title", HttpResponseStatus.valueOf(status).reasonPhrase())
        .put("message", message);
    return body;
  }

  static Publisher<Void> send(HttpServerResponse response, int status, ObjectNode body) {
    byte[] bytes = (body.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
    return response.status(status)
        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .sendByteArray(Mono.just(bytes));
  }

  @Override
  public void close() {
    server.disposeNow();
  }
}
