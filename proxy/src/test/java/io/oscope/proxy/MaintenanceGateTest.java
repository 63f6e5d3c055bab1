package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.util.concurrent.Ticker;
import io.oscope.routes.HostPort;
import io.oscope.tenant.TenantGate;
import io.oscope.tenant.TenantState;
import io.oscope.tenant.TenantStates;
import io.oscope.testing.FreePorts;
import io.oscope.token.InvalidTokenException;
import io.oscope.token.TokenIdentities;
import io.oscope.token.TokenIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A proxy with maintenance mode in front of a real backend on loopback: what reaches the backend
 * and what the client is answered, while Keystone's answers (who tokens are, which projects are in
 * maintenance) come from the test, at the moment it chooses.
 */
class MaintenanceGateTest {
  private static final TenantState MOVING = new TenantState("p-moving", "moving", "moving to CloudTwo", "2026-12-03T07:00:00Z", null);
  private static final Map<String, TokenIdentity> TOKENS = Map.of(
      "tok-moving", identity("p-moving", "member"),
      "tok-migrator", identity("p-moving", "admin"),
      "tok-staying", identity("p-staying", "member"));

  private final List<String> received = new CopyOnWriteArrayList<>();
  /** The state of p-moving as Keystone will answer it; completed by the test. */
  private final CompletableFuture<TenantState> movingState = new CompletableFuture<>();
  private DisposableServer backend;
  private ScopeProxy proxy;
  private int port;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static TokenIdentity identity(String project, String role) {
    return new TokenIdentity("u", project, null, null, List.of("password"), List.of("a"),
        Instant.now().plusSeconds(3600), Set.of(role), TokenIdentity.Source.KEYSTONE);
  }

  @BeforeEach
  void start() throws Exception {
    backend = HttpServer.create().host("127.0.0.1").port(0)
        .handle((request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
            .flatMap(body -> {
              received.add(request.method() + " " + request.uri() + " " + body);
              return Mono.from(response.status(202).sendString(Mono.just("{\"done\": true}")));
            }))
        .bindNow();
    TokenIdentities identities = new TokenIdentities(() -> null, token -> TOKENS.containsKey(token)
        ? CompletableFuture.completedFuture(TOKENS.get(token))
        : CompletableFuture.failedFuture(new InvalidTokenException("unknown")),
        TokenIdentities.Settings.DEFAULT, com.github.benmanes.caffeine.cache.Ticker.systemTicker(), InstantSource.system());
    TenantStates states = new TenantStates(project -> project.equals("p-moving") ? movingState
        : CompletableFuture.completedFuture(new TenantState(project, project, null, null, null)),
        Duration.ofMinutes(1), Duration.ofMinutes(10), com.github.benmanes.caffeine.cache.Ticker.systemTicker());
    port = FreePorts.next();
    proxy = ScopeProxy.start(SoloRoutes.table("compute", "compute", port, backend.port()),
        ProxySettings.of("Solo", new HostPort("127.0.0.1", port)), Ticker.systemTicker(),
        new TenantGate(identities, states, "admin", () -> io.oscope.tenant.TenantPolicy.NONE));
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.disposeNow();
  }

  private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/compute" + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) request.header("X-Auth-Token", token);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aWriteOfAProjectInMaintenanceIsRefusedAndNeverReachesTheService() throws Exception {
    movingState.complete(MOVING);

    HttpResponse<String> refused = send("POST", "/servers", "tok-moving!SCOPE!{\"compute\":\"Solo\"}", "{\"server\": {}}");

    assertThat(refused.statusCode()).isEqualTo(409);
    JsonNode error = new ObjectMapper().readTree(refused.body()).path("error");
    assertThat(error.path("code").asInt()).isEqualTo(409);
    assertThat(error.path("message").asText())
        .isEqualTo("Project moving (p-moving) is in maintenance since 2026-12-03T07:00:00Z: moving to CloudTwo;"
            + " reads work, changes are refused until it ends");
    assertThat(received).isEmpty();
  }

  @Test
  void readsOtherProjectsAndTheBypassRoleGoThrough() throws Exception {
    movingState.complete(MOVING);

    assertThat(send("GET", "/servers/detail", "tok-moving", null).statusCode()).isEqualTo(202);
    assertThat(send("POST", "/servers", "tok-staying", "{\"server\": \"staying\"}").statusCode()).isEqualTo(202);
    assertThat(send("POST", "/servers", "tok-migrator", "{\"server\": \"migrated\"}").statusCode()).isEqualTo(202);

    assertThat(received).containsExactly("GET /compute/servers/detail ", "POST /compute/servers {\"server\": \"staying\"}",
        "POST /compute/servers {\"server\": \"migrated\"}");
  }

  @Test
  void aWriteWaitingForKeystoneKeepsItsBodyAndGoesOnWhenAnswered() throws Exception {
    CompletableFuture<HttpResponse<String>> pending = CompletableFuture.supplyAsync(() -> {
      try {
        return send("POST", "/servers", "tok-moving", "{\"server\": \"while asking\"}");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(received).isEmpty();

    movingState.complete(new TenantState("p-moving", "moving", null, null, null));

    assertThat(pending.get().statusCode()).isEqualTo(202);
    assertThat(received).containsExactly("POST /compute/servers {\"server\": \"while asking\"}");
  }

  @Test
  void aWriteKeystoneCannotTellAboutIsA503() throws Exception {
    movingState.completeExceptionally(new java.io.IOException("connection refused"));

    HttpResponse<String> unknown = send("DELETE", "/servers/1234", "tok-moving", null);

    assertThat(unknown.statusCode()).isEqualTo(503);
    assertThat(unknown.body()).contains("cannot check this request's project now").contains("connection refused");
    assertThat(received).isEmpty();
  }
}
