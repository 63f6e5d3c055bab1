package io.oscope.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oscope.exchange.MaintenanceToggles;
import io.oscope.tenant.TenantState;
import io.oscope.tenant.UnknownProjectException;
import io.oscope.token.Settled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The maintenance toggles on the admin listener, as {@code oscope tenant maintenance} with the
 * proxy's own service account: {@code GET /tenants} (the projects in maintenance or with a home
 * cloud), {@code PUT /tenants/{project}/maintenance} with {@code {"reason": "…"}}, and {@code
 * DELETE /tenants/{project}/maintenance}; a project by name or ID. Without {@code --maintenance}
 * they answer 404 naming the option.
 */
final class TenantEndpoints {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 64 << 10;

  private TenantEndpoints() {}

  static void route(HttpServerRoutes routes, MaintenanceToggles toggles) {
    routes
        .get("/tenants", (request, response) -> answer(response, toggles,
            () -> toggles.list().thenApply(TenantEndpoints::list)))
        .put("/tenants/{project}/maintenance", (request, response) -> body(request).flatMap(body -> {
          String reason = body == null ? null : body.path("reason").asText("");
          if (reason == null || reason.isBlank()) {
            return Mono.from(AdminServer.send(response, 400, AdminServer.error(400,
                "PUT /tenants/{project}/maintenance needs a JSON body {\"reason\": \"…\"} with a reason")));
          }
          return Mono.from(answer(response, toggles,
              () -> toggles.on(request.param("project"), reason).thenApply(TenantEndpoints::state)));
        }))
        .delete("/tenants/{project}/maintenance", (request, response) -> answer(response, toggles,
            () -> toggles.off(request.param("project")).thenApply(TenantEndpoints::state)));
  }

  /** The request's JSON object, or {@code null} when it is missing or not one. */
  private static Mono<JsonNode> body(HttpServerRequest request) {
    return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
        .map(text -> {
          if (text.length() > MAX_BODY) return JSON.nullNode();
          try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? node : JSON.nullNode();
          } catch (IOException e) {
            return JSON.nullNode();
          }
        })
        .map(node -> node.isNull() ? JSON.createObjectNode() : node);
  }

  private static Publisher<Void> answer(HttpServerResponse response, MaintenanceToggles toggles,
      java.util.function.Supplier<CompletableFuture<ObjectNode>> call) {
    if (toggles == null) {
      return AdminServer.send(response, 404, AdminServer.error(404,
          "tenant policies are off: start the proxy with --maintenance --service-credentials FILE"));
    }
    return Mono.fromFuture(call).flatMap(body -> Mono.from(AdminServer.send(response, 200, body)))
        .onErrorResume(failure -> {
          Throwable cause = Settled.causeOf(failure);
          int status = cause instanceof UnknownProjectException ? 404 : 502;
          return Mono.from(AdminServer.send(response, status, AdminServer.error(status, cause.getMessage())));
        });
  }

  private static ObjectNode list(List<TenantState> states) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode tenants = body.putArray("tenants");
    states.forEach(state -> tenants.add(json(state)));
    return body;
  }

  private static ObjectNode state(TenantState state) {
    ObjectNode body = JSON.createObjectNode();
    body.set("tenant", json(state));
    return body;
  }

  private static ObjectNode json(TenantState state) {
    return JSON.createObjectNode()
        .put("project_id", state.projectId())
        .put("project_name", state.name())
        .put("maintenance", state.inMaintenance())
        .put("reason", state.maintenance())
        .put("since", state.maintenanceSince())
        .put("home_cloud", state.homeCloud());
  }
}
