package io.oscope.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.oscope.exchange.ServiceCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A Keystone stand-in on loopback for what {@link io.oscope.exchange.KeystoneProjects} asks: a service token for one
 * account, and projects whose extra attributes a {@code PATCH} sets (a JSON null removes one), as
 * Keystone keeps them. The real Keystone runs in the end-to-end suite.
 */
public final class KeystoneProjectsStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SERVICE_TOKEN = "svc-token";
  /** The projects by ID, as Keystone answers them; the test reads and seeds them. */
  public final Map<String, ObjectNode> projects = new ConcurrentHashMap<>();
  /** The bodies of the logins ({@code POST /v3/auth/tokens}) it answered, in order. */
  public final List<String> logins = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final DisposableServer server;

  public KeystoneProjectsStandIn() {
    server = HttpServer.create().host("127.0.0.1").port(0).route(routes -> routes
        .post("/v3/auth/tokens", (request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8)
            .defaultIfEmpty("").flatMap(body -> {
              logins.add(body);
              return Mono.from(response.status(201).header("X-Subject-Token", SERVICE_TOKEN)
                  .sendString(Mono.just("{\"token\": {\"expires_at\": \"" + Instant.now().plusSeconds(3600) + "\"}}")));
            }))
        .get("/v3/projects", (request, response) -> {
          String name = new QueryStringDecoder(request.uri()).parameters().getOrDefault("name", List.of()).stream()
              .findFirst().orElse(null);
          ObjectNode body = JSON.createObjectNode();
          var list = body.putArray("projects");
          projects.values().stream().filter(p -> name == null || p.path("name").asText().equals(name)).forEach(list::add);
          return response.sendString(Mono.just(body.toString()));
        })
        .get("/v3/projects/{id}", (request, response) -> {
          ObjectNode project = projects.get(request.param("id"));
          if (project == null) return response.status(404).sendString(Mono.just("{\"error\": {\"code\": 404}}"));
          return response.sendString(Mono.just(JSON.createObjectNode().set("project", project).toString()));
        })
        .route(request -> request.method().name().equals("PATCH"), (request, response) ->
            request.receive().aggregate().asString(StandardCharsets.UTF_8).flatMap(text -> {
              ObjectNode project = projects.get(request.path().substring(request.path().lastIndexOf('/') + 1));
              if (!SERVICE_TOKEN.equals(request.requestHeaders().get("X-Auth-Token")) || project == null) {
                return Mono.from(response.status(404).send());
              }
              try {
                for (Iterator<Map.Entry<String, JsonNode>> it = JSON.readTree(text).path("project").fields(); it.hasNext(); ) {
                  Map.Entry<String, JsonNode> field = it.next();
                  if (field.getValue().isNull()) project.remove(field.getKey());
                  else project.set(field.getKey(), field.getValue());
                }
              } catch (IOException e) {
                return Mono.error(e);
              }
              return Mono.from(response.sendString(Mono.just(JSON.createObjectNode().set("project", project).toString())));
            })))
        .bindNow();
  }

  /** Adds project {@code id} named {@code name}. */
  public KeystoneProjectsStandIn project(String id, String name) {
    projects.put(id, JSON.createObjectNode().put("id", id).put("name", name).put("domain_id", "default"));
    return this;
  }

  public String identityUrl() {
    return "http://127.0.0.1:" + server.port() + "/v3";
  }

  /** The account it gives a service token to (any password does). */
  public ServiceCredentials account() {
    return new ServiceCredentials(identityUrl(), "oscope", "pw", "service", "Default", "Default");
  }

  @Override
  public void close() {
    server.disposeNow();
  }
}
