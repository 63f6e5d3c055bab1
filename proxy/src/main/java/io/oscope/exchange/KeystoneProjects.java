package io.oscope.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.oscope.tenant.TenantState;
import io.oscope.tenant.UnknownProjectException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;

/**
 * Reads and writes the tenant state oscope keeps in Keystone, on the projects themselves ({@link
 * TenantState}'s properties), with a token of the service account or of an operator. Keystone is
 * where every proxy instance already looks and what already survives the loss of any machine: no
 * database of oscope's own, and proxies behind a load balancer all see the same state.
 */
public final class KeystoneProjects {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 4 << 20;

  private final KeystoneAccess keystone;
  private final Duration timeout;

  /**
   * The projects of this proxy's own Keystone, or of the Keystone an operator names.
   *
   * @param identityUrl Keystone's v3 URL without a trailing '/', e.g. {@code http://127.0.0.1:5000/v3}: a
   *     {@link ServiceCredentials#authUrl()}, which is kept so
   */
  public KeystoneProjects(ServiceTokens tokens, HttpClient client, String identityUrl, Duration timeout) {
    this(new LocalKeystone(tokens, client, identityUrl), timeout);
  }

  /**
   * The projects of {@code keystone}, each call taking at most {@code timeout}. A peer's Keystone
   * ({@link PeerKeystone}) answers {@link #state} alone: its proxy lets no other call of ours through.
   */
  public KeystoneProjects(KeystoneAccess keystone, Duration timeout) {
    this.keystone = keystone;
    this.timeout = timeout;
  }

  /** The state of project {@code projectId}; fails with {@link UnknownProjectException} when there is none. */
  public CompletableFuture<TenantState> state(String projectId) {
    return call(HttpMethod.GET, "/projects/" + encode(projectId), null)
        .map(body -> stateOf(body.path("project"))).toFuture();
  }

  /** The project named {@code nameOrId}: by ID, else by name (which must then be unique). */
  public CompletableFuture<TenantState> find(String nameOrId) {
    return call(HttpMethod.GET, "/projects/" + encode(nameOrId), null)
        .map(body -> stateOf(body.path("project")))
        .onErrorResume(UnknownProjectException.class, notAnId ->
            call(HttpMethod.GET, "/projects?name=" + encode(nameOrId), null).flatMap(body -> {
              JsonNode projects = body.path("projects");
              if (projects.size() == 1) return Mono.just(stateOf(projects.get(0)));
              if (projects.isEmpty()) return Mono.error(new UnknownProjectException("no project has the name or ID '" + nameOrId + "'"));
              return Mono.error(new UnknownProjectException(projects.size() + " projects are named '" + nameOrId
                  + "' (in different domains): name it by ID"));
            }))
        .toFuture();
  }

  /** Every project that is in maintenance or has a home cloud. */
  public CompletableFuture<List<TenantState>> withState() {
    return call(HttpMethod.GET, "/projects", null).map(body -> {
      List<TenantState> states = new ArrayList<>();
      for (JsonNode project : body.path("projects")) {
        TenantState state = stateOf(project);
        if (state.inMaintenance() || state.homeCloud() != null) states.add(state);
      }
      return states;
    }).toFuture();
  }

  /**
   * Sets the properties of project {@code projectId} named in {@code properties} ({@code null}
   * values clear them) and answers its new state.
   */
  public CompletableFuture<TenantState> update(String projectId, ObjectNode properties) {
    ObjectNode body = JSON.createObjectNode();
    body.set("project", properties);
    return call(HttpMethod.PATCH, "/projects/" + encode(projectId), body.toString())
        .map(answer -> stateOf(answer.path("project"))).toFuture();
  }

  static TenantState stateOf(JsonNode project) {
    return new TenantState(project.path("id").asText(), project.path("name").asText(null),
        text(project, TenantState.MAINTENANCE), text(project, TenantState.MAINTENANCE_SINCE),
        text(project, TenantState.HOME_CLOUD));
  }

  /** A property's text; {@code null} when absent, JSON null or empty (what clearing it leaves). */
  private static String text(JsonNode project, String property) {
    JsonNode value = project.get(property);
    return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
  }

  private Mono<JsonNode> call(HttpMethod method, String path, String body) {
    return keystone.call(method, path, null).flatMap(call -> call.client()
        .headers(headers -> {
          call.headers().accept(headers);
          if (body != null) headers.set("Content-Type", "application/json");
        })
        .request(method)
        .uri(call.uri())
        .send(body == null ? Mono.empty() : ByteBufMono.fromString(Mono.just(body)))
        .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8).defaultIfEmpty("{}")
            .flatMap(text -> {
              int status = response.status().code();
              if (status == 404) return Mono.error(new UnknownProjectException("Keystone knows no " + path));
              if (status == 401) keystone.refused(call);
              if (status / 100 != 2) {
                return Mono.error(new IOException(keystone.describe() + " answered " + status + " to "
                    + method + " " + path + keystoneMessage(text)));
              }
              try {
                return Mono.just(JSON.readTree(text.length() > MAX_BODY ? "{}" : text));
              } catch (IOException e) {
                return Mono.error(e);
              }
            })))
        .timeout(timeout, Mono.error(() -> new IOException(keystone.describe() + " did not answer within " + timeout)));
  }

  private static String keystoneMessage(String body) {
    try {
      String message = JSON.readTree(body).path("error").path("message").asText("");
      return message.isEmpty() ? "" : ": " + message;
    } catch (IOException e) {
      return "";
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
