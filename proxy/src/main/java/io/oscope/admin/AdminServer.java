package io.oscope.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.oscope.proxy.ScopeProxy;
import io.oscope.reload.RouteReloader;
import io.oscope.routes.HostPort;
import io.oscope.routes.Problem;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceEntry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The admin listener, on loopback unless told otherwise: {@code GET /healthz} (the process is up),
 * {@code GET /readyz} (the local backends answer), {@code GET /metrics} (Prometheus),
 * {@code GET /pools} (the state of every upstream address),
 * {@code GET /routes} (the table in use: version, load time, entries) and {@code POST /reload}.
 */
public final class AdminServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RouteReloader reloader;
  private final DisposableServer server;

  private AdminServer(HostPort listen, RouteReloader reloader, ScopeProxy proxy) {
    this.reloader = reloader;
    Readiness readiness = new Readiness(proxy);
    this.server = HttpServer.create()
        .host(listen.host())
        .port(listen.port())
        .route(routes -> routes
            .get("/healthz", (request, response) -> send(response, 200, JSON.createObjectNode().put("status", "ok")))
            .get("/readyz", (request, response) -> readiness.check()
                .flatMap(report -> Mono.from(send(response, report.path("ready").asBoolean() ? 200 : 503, report))))
            .get("/metrics", (request, response) -> response
                .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                .sendString(Mono.fromCallable(() -> {
                  proxy.metrics().upstreams(proxy.balancer().members());
                  return proxy.metrics().scrape();
                })))
            .get("/pools", (request, response) -> send(response, 200, pools(proxy)))
            .get("/routes", (request, response) -> send(response, 200, describe(reloader.current())))
            .post("/reload", (request, response) -> Mono.fromFuture(reloader.reload())
                .flatMap(outcome -> Mono.from(reply(response, outcome)))))
        .bindNow();
  }

  /** Starts the admin listener of {@code proxy} on {@code listen}. */
  public static AdminServer start(HostPort listen, RouteReloader reloader, ScopeProxy proxy) {
    return new AdminServer(listen, reloader, proxy);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.address();
  }

  private static Publisher<Void> reply(HttpServerResponse response, RouteReloader.Outcome outcome) {
    if (outcome instanceof RouteReloader.Outcome.Rejected rejected) {
      ObjectNode body = JSON.createObjectNode().put("result", "rejected")
          .put("version", rejected.kept().table().version());
      ArrayNode problems = body.putArray("problems");
      for (Problem problem : rejected.problems()) problems.add(problem.toString());
      return send(response, 422, body);
    }
    RouteReloader.Loaded loaded = outcome instanceof RouteReloader.Outcome.Swapped swapped
        ? swapped.loaded() : ((RouteReloader.Outcome.Unchanged) outcome).loaded();
    ObjectNode body = describe(loaded).put("result", outcome instanceof RouteReloader.Outcome.Swapped ? "swapped" : "unchanged");
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
