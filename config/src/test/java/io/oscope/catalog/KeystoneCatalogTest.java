package io.oscope.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.oscope.routes.ConfigException;
import io.oscope.routes.Interface;
import io.oscope.routes.Problem;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** openstack4j against a real HTTP server on port 0 that plays Keystone v3's token API. */
class KeystoneCatalogTest {
  private static final String PROJECT_ID = "8c0ce1ea1f3a4a7b9a9f2d5d1f6c4e21";

  private HttpServer keystone;
  private final List<JsonNode> authRequests = new CopyOnWriteArrayList<>();
  private String authUrl;

  @BeforeEach
  void start() throws IOException {
    keystone = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    keystone.createContext("/v3/auth/tokens", this::issueToken);
    keystone.start();
    authUrl = "http://127.0.0.1:" + keystone.getAddress().getPort() + "/v3";
  }

  @AfterEach
  void stop() {
    keystone.stop(0);
  }

  private void issueToken(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      JsonNode request = new ObjectMapper().readTree(exchange.getRequestBody());
      authRequests.add(request);
      String password = request.at("/auth/identity/password/user/password").asText();
      if (!password.equals("secret")) {
        reply(exchange, 401, "{\"error\": {\"code\": 401, \"title\": \"Unauthorized\","
            + " \"message\": \"The request you have made requires authentication.\"}}");
        return;
      }
      exchange.getResponseHeaders().add("X-Subject-Token", "gAAAAABtoken");
      reply(exchange, 201, token(authUrl.substring(0, authUrl.length() - 3)));
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A v3 token as Keystone 22 answers it, with a catalogue of identity, image and compute. */
  private static String token(String keystoneRoot) {
    return """
        {"token": {
          "methods": ["password"],
          "user": {"domain": {"id": "default", "name": "Default"}, "id": "u1", "name": "admin", "password_expires_at": null},
          "audit_ids": ["3T2dc1CGQxyJsHdDu1xkcw"],
          "expires_at": "2099-01-01T00:00:00.000000Z",
          "issued_at": "2025-01-01T00:00:00.000000Z",
          "project": {"domain": {"id": "default", "name": "Default"}, "id": "%2$s", "name": "admin"},
          "is_domain": false,
          "roles": [{"id": "r1", "name": "admin"}, {"id": "r2", "name": "reader"}],
          "catalog": [
            {"endpoints": [
              {"id": "e1", "interface": "public", "region_id": "CloudOne", "url": "%1$s/v3", "region": "CloudOne"},
              {"id": "e2", "interface": "admin", "region_id": "CloudOne", "url": "%1$s/v3/", "region": "CloudOne"}],
             "id": "s1", "type": "identity", "name": "keystone"},
            {"endpoints": [
              {"id": "e3", "interface": "public", "region_id": "CloudOne", "url": "http://127.0.0.1:15292", "region": "CloudOne"},
              {"id": "e4", "interface": "internal", "region_id": "CloudOne", "url": "http://127.0.0.1:15292/", "region": "CloudOne"}],
             "id": "s2", "type": "image", "name": "glance"},
            {"endpoints": [
              {"id": "e5", "interface": "public", "region_id": "CloudOne", "url": "http://127.0.0.1:8774/v2.1/%2$s", "region": "CloudOne"}],
             "id": "s3", "type": "compute", "name": "nova"}
          ]}}
        """.formatted(keystoneRoot, PROJECT_ID);
  }

  private Map<String, String> env(String password) {
    return Map.of("OS_USERNAME", "admin", "OS_PASSWORD", password, "OS_PROJECT_NAME", "admin",
        "OS_USER_DOMAIN_NAME", "Default", "OS_PROJECT_DOMAIN_NAME", "Default", "OS_REGION_NAME", "CloudOne");
  }

  @Test
  void readsTheCatalogueOfAProjectScopedToken() throws Exception {
    EndpointList list = KeystoneCatalog.fetch(authUrl, env("secret"));

    assertThat(list.source()).isEqualTo("keystone " + authUrl);
    assertThat(list.problems()).isEmpty();
    assertThat(list.endpoints()).extracting(e -> e.region() + " " + e.serviceType() + " " + e.iface().label() + " " + e.url())
        .containsExactly(
            "CloudOne identity public " + authUrl,
            "CloudOne identity admin " + authUrl,
            "CloudOne image public http://127.0.0.1:15292",
            "CloudOne image internal http://127.0.0.1:15292",
            "CloudOne compute public http://127.0.0.1:8774/v2.1");
    assertThat(list.endpoints().get(4).iface()).isEqualTo(Interface.PUBLIC);
  }

  @Test
  void sendsTheCredentialsAndScopeOfTheEnvironment() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(env("secret"));
    env.put("OS_AUTH_URL", authUrl.replace("/v3", "/"));
    env.put("OS_USER_DOMAIN_NAME", "users");
    env.remove("OS_PROJECT_DOMAIN_NAME");

    KeystoneCatalog.fetch(null, env);

    JsonNode auth = authRequests.get(0).get("auth");
    assertThat(auth.at("/identity/methods/0").asText()).isEqualTo("password");
    assertThat(auth.at("/identity/password/user/name").asText()).isEqualTo("admin");
    assertThat(auth.at("/identity/password/user/domain/name").asText()).isEqualTo("users");
    assertThat(auth.at("/scope/project/name").asText()).isEqualTo("admin");
    assertThat(auth.at("/scope/project/domain/name").asText()).isEqualTo("Default");
  }

  @Test
  void generatesARouteFileFromTheLiveCatalogue() throws Exception {
    EndpointList list = KeystoneCatalog.fetch(authUrl, env("secret"));
    CloudsFile clouds = CloudsFile.parse("clouds.json",
        "{\"clouds\": {\"CloudOne\": {\"frontend\": \"127.0.0.1:8881\"}}}".getBytes(StandardCharsets.UTF_8),
        java.nio.file.Path.of(""));

    String file = new String(RouteFileWriter.format(RouteGenerator.generate(clouds, List.of(list))), StandardCharsets.UTF_8);

    int port = keystone.getAddress().getPort();
    assertThat(file).isEqualTo("""
        {
          "services": [
            {"Service Type": "compute", "Interface": "public", "URL": "http://127.0.0.1:8774/v2.1", "Region": "CloudOne", "Frontend": "127.0.0.1:8881", "Backend": "127.0.0.1:8774"},
            {"Service Type": "identity", "Interface": "public", "URL": "http://127.0.0.1:%1$d/v3", "Region": "CloudOne", "Frontend": "127.0.0.1:8881", "Backend": "127.0.0.1:%1$d"},
            {"Service Type": "identity", "Interface": "admin", "URL": "http://127.0.0.1:%1$d/v3", "Region": "CloudOne", "Frontend": "127.0.0.1:8881", "Backend": "127.0.0.1:%1$d"},
            {"Service Type": "image", "Interface": "public", "URL": "http://127.0.0.1:15292", "Region": "CloudOne", "Frontend": "127.0.0.1:8881", "Backend": "127.0.0.1:15292"},
            {"Service Type": "image", "Interface": "internal", "URL": "http://127.0.0.1:15292", "Region": "CloudOne", "Frontend": "127.0.0.1:8881", "Backend": "127.0.0.1:15292"}
          ]
        }
        """.formatted(port));
  }

  @Test
  void refusedCredentialsAreAnIoFailureNamingKeystoneAndUser() {
    assertThatThrownBy(() -> KeystoneCatalog.fetch(authUrl, env("wrong")))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot read the catalogue of " + authUrl + " as admin: ");
  }

  @Test
  void anUnreachableKeystoneIsAnIoFailure() {
    keystone.stop(0);

    assertThatThrownBy(() -> KeystoneCatalog.fetch(authUrl, env("secret")))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot read the catalogue of " + authUrl);
  }

  @Test
  void missingCredentialsAreProblemsOfTheEnvironment() {
    assertThatThrownBy(() -> KeystoneCatalog.fetch(null, Map.of("OS_USERNAME", "admin")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(Problem::toString)
            .containsExactly(
                "environment: \"OS_AUTH_URL\": is missing; source the cloud's openrc first",
                "environment: \"OS_PASSWORD\": is missing; source the cloud's openrc first",
                "environment: \"OS_PROJECT_NAME\": is missing; source the cloud's openrc first"));
  }

  @Test
  void turnsTheTokensProjectIdBackIntoATemplate() {
    assertThat(KeystoneCatalog.template("http://h:8774/v2/" + PROJECT_ID, PROJECT_ID)).isEqualTo("http://h:8774/v2/$(project_id)s");
    assertThat(KeystoneCatalog.template("http://h:8776/v3/" + PROJECT_ID + "/", PROJECT_ID)).isEqualTo("http://h:8776/v3/$(project_id)s/");
    assertThat(KeystoneCatalog.template("http://" + PROJECT_ID + ":80/x", PROJECT_ID)).isEqualTo("http://" + PROJECT_ID + ":80/x");
    assertThat(KeystoneCatalog.template("http://h:80", PROJECT_ID)).isEqualTo("http://h:80");
    assertThat(KeystoneCatalog.template("http://h:80/x", null)).isEqualTo("http://h:80/x");
  }
}
