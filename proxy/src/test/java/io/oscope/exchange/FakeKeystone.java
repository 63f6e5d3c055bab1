package io.oscope.exchange;

import io.oscope.routes.ConfigException;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteFile;
import io.oscope.routes.ServiceEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A Keystone stand-in that knows one user token (of user {@code u1} in project {@code p1}, in
 * maintenance), and one service account: enough to check what the proxies send on a token
 * validation and a project read. The real Keystone runs in the end-to-end suite.
 */
final class FakeKeystone implements AutoCloseable {
  static final String USER_TOKEN = "user-token";
  final Set<String> validServiceTokens = ConcurrentHashMap.newKeySet();
  final AtomicInteger issued = new AtomicInteger();
  /** The X-Auth-Token of every validation call received. */
  final List<String> validationsSeenWith = new CopyOnWriteArrayList<>();
  /** The X-Auth-Token of every project read received. */
  final List<String> projectReadsSeenWith = new CopyOnWriteArrayList<>();
  private final DisposableServer server;

  FakeKeystone() {
    server = HttpServer.create().host("127.0.0.1").port(0)
        .route(routes -> routes
            .post("/v3/auth/tokens", (request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8)
                .flatMap(body -> {
                  if (!body.contains("\"name\":\"glance\"") || !body.contains("\"password\":\"pw\"")) {
                    return Mono.from(response.status(401).send());
                  }
                  String token = "svc-" + issued.incrementAndGet();
                  validServiceTokens.add(token);
                  return Mono.from(response.status(201).header("X-Subject-Token", token)
                      .sendString(Mono.just("{\"token\": {\"expires_at\": \"" + Instant.now().plusSeconds(3600) + "\"}}")));
                }))
            .get("/v3/auth/tokens", (request, response) -> {
              String auth = request.requestHeaders().get("X-Auth-Token");
              validationsSeenWith.add(auth);
              boolean ok = auth != null && validServiceTokens.contains(auth)
                  && USER_TOKEN.equals(request.requestHeaders().get("X-Subject-Token"));
              if (auth == null || !validServiceTokens.contains(auth)) return response.status(401).sendString(Mono.just("{\"error\": {}}"));
              return response.status(ok ? 200 : 404).sendString(Mono.just(ok ? """
                  {"token": {"user": {"id": "u1"}, "project": {"id": "p1"}, "roles": [{"name": "member"}],
                   "methods": ["password"], "audit_ids": ["a1"], "expires_at": "%s"}}""".formatted(Instant.now().plusSeconds(3600))
                  : "{\"error\": {}}"));
            })
            .get("/v3/projects/{id}", (request, response) -> {
              String auth = request.requestHeaders().get("X-Auth-Token");
              projectReadsSeenWith.add(String.valueOf(auth));
              if (auth == null || !validServiceTokens.contains(auth)) return response.status(401).sendString(Mono.just("{\"error\": {}}"));
              if (!request.param("id").equals("p1")) return response.status(404).sendString(Mono.just("{\"error\": {}}"));
              return response.sendString(Mono.just(
                  "{\"project\": {\"id\": \"p1\", \"name\": \"demo\", \"oscope_maintenance\": \"migrating\"}}"));
            }))
        .bindNow();
  }

  HostPort address() {
    return new HostPort("127.0.0.1", server.port());
  }

  /** The service account it knows (a cloud's Glance), for a proxy's --service-credentials. */
  ServiceCredentials account() {
    return new ServiceCredentials("http://" + address() + "/v3", "glance", "pw", "service", "Default", "Default");
  }

  /**
   * The route file of two clouds' identity services: CloudOne's this Keystone behind the proxy
   * {@code proxyOne}, CloudTwo's {@code keystoneTwo} behind {@code proxyTwo}.
   */
  List<ServiceEntry> routes(HostPort proxyOne, HostPort keystoneTwo, HostPort proxyTwo) throws ConfigException {
    String routes = """
        {"services": [
          {"Service Type": "identity", "Interface": "public", "URL": "http://%1$s/v3", "Region": "CloudOne", "Frontend": "%2$s", "Backend": "%1$s"},
          {"Service Type": "identity", "Interface": "public", "URL": "http://%3$s/v3", "Region": "CloudTwo", "Frontend": "%4$s", "Backend": "%3$s"}
        ]}""".formatted(address(), proxyOne, keystoneTwo, proxyTwo);
    return RouteFile.parse("exchange", routes.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.disposeNow();
  }
}
