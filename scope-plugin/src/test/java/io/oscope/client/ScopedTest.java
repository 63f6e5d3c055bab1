package io.oscope.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.oscope.scope.Scope;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.openstack.OSFactory;

/** openstack4j against a real HTTP server that serves a Keystone v3 token and a Glance v2 list. */
class ScopedTest {
  private HttpServer server;
  private final List<Map<String, List<String>>> imageRequests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v3/auth/tokens", this::token);
    server.createContext("/v2/images", exchange -> {
      imageRequests.add(Map.copyOf(exchange.getRequestHeaders()));
      reply(exchange, 200, "{\"images\": [], \"schema\": \"/v2/schemas/images\"}", Map.of());
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void token(HttpExchange exchange) throws IOException {
    String now = Instant.now().toString();
    String body = """
        {"token": {"methods": ["password"], "expires_at": "%s", "issued_at": "%s",
          "user": {"id": "u1", "name": "demo", "domain": {"id": "default", "name": "Default"}},
          "project": {"id": "p1", "name": "demo", "domain": {"id": "default", "name": "Default"}},
          "roles": [{"id": "r1", "name": "member"}],
          "catalog": [{"id": "s1", "type": "image", "name": "glance", "endpoints": [
            {"id": "e1", "interface": "public", "region": "CloudOne", "region_id": "CloudOne", "url": "%s"}]}]}}
        """.formatted(Instant.now().plusSeconds(3600), now, url());
    reply(exchange, 201, body, Map.of("X-Subject-Token", "gAAAAB-token"));
  }

  private static void reply(HttpExchange exchange, int status, String body, Map<String, String> headers) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    headers.forEach(exchange.getResponseHeaders()::set);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Test
  void everyRequestOfAScopedClientCarriesTheScope() {
    OSClientV3 os = OSFactory.builderV3()
        .endpoint(url() + "/v3")
        .credentials("demo", "secret", Identifier.byName("Default"))
        .scopeToProject(Identifier.byName("demo"), Identifier.byName("Default"))
        .authenticate();

    Scoped.of(os, Scope.parse("{\"image\": \"CloudTwo\"}")).imagesV2().list();
    os.imagesV2().list();

    assertThat(imageRequests).hasSize(2).allSatisfy(headers -> {
      assertThat(headers.get("X-scope")).containsExactly("{\"image\":\"CloudTwo\"}");
      assertThat(headers.get("X-auth-token")).containsExactly("gAAAAB-token!SCOPE!{\"image\":\"CloudTwo\"}");
    });
  }

  @Test
  void theHeadersServeAnyJavaClientAndNeverStackTwoScopes() {
    Scope scope = Scope.parse("{\"identity\": \"CloudOne\"}");

    Map<String, String> headers = ScopeHeaders.of("tok!SCOPE!{\"image\":\"CloudTwo\"}", scope);

    assertThat(headers).containsExactlyInAnyOrderEntriesOf(Map.of(
        "X-Scope", "{\"identity\":\"CloudOne\"}",
        "X-Auth-Token", "tok!SCOPE!{\"identity\":\"CloudOne\"}"));
  }
}
