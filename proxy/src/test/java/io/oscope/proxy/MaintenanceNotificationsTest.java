package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.netty.util.concurrent.Ticker;
import io.oscope.notify.NotificationTarget;
import io.oscope.notify.Notifier;
import io.oscope.notify.RabbitBroker;
import io.oscope.routes.HostPort;
import io.oscope.tenant.TenantEvents;
import io.oscope.tenant.TenantGate;
import io.oscope.tenant.TenantPolicy;
import io.oscope.tenant.TenantState;
import io.oscope.tenant.TenantStates;
import io.oscope.testing.FreePorts;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** A refused request of a project in maintenance is an oslo.messaging notification on a real RabbitMQ. */
class MaintenanceNotificationsTest {
  @RegisterExtension
  static final RabbitBroker RABBIT = new RabbitBroker();
  private static final String TOKEN = "gAAAAA-the-users-secret-token";

  @Test
  void aRefusedWriteIsNotifiedWithItsProjectCallAndProxyButNeverTheToken() throws Exception {
    DisposableServer backend = HttpServer.create().host("127.0.0.1").port(0)
        .handle((request, response) -> response.status(202).sendString(Mono.just("{}"))).bindNow();
    TokenIdentity identity = new TokenIdentity("u", "p-moving", null, null, List.of("password"), List.of("a"),
        Instant.now().plusSeconds(3600), Set.of("member"), TokenIdentity.Source.KEYSTONE);
    TokenIdentities identities = new TokenIdentities(() -> null, token -> CompletableFuture.completedFuture(identity),
        TokenIdentities.Settings.DEFAULT, com.github.benmanes.caffeine.cache.Ticker.systemTicker(), InstantSource.system());
    TenantStates states = new TenantStates(project -> CompletableFuture.completedFuture(
        new TenantState(project, "moving", "moving to CloudTwo", "2026-12-03T07:00:00Z", null)),
        Duration.ofMinutes(1), Duration.ofMinutes(10), com.github.benmanes.caffeine.cache.Ticker.systemTicker());
    Notifier notifier = Notifier.start(NotificationTarget.parse(RABBIT.url(), "openstack", "notifications", false),
        "oscope.test", result -> { });
    int port = FreePorts.next();
    ScopeProxy proxy = ScopeProxy.start(SoloRoutes.table("compute", "compute", port, backend.port()),
        ProxySettings.of("Solo", new HostPort("127.0.0.1", port)), Ticker.systemTicker(),
        new TenantGate(identities, states, true, "admin", () -> TenantPolicy.NONE, false,
            new TenantEvents(notifier, "oscope-Solo")));
    try {
      HttpResponse<String> refused = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/compute/servers/42/action"))
              .header("X-Auth-Token", TOKEN).POST(HttpRequest.BodyPublishers.ofString("{\"suspend\": null}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(409);
    } finally {
      notifier.close(Duration.ofSeconds(30));
      proxy.close();
      backend.disposeNow();
    }

    try (Connection connection = RABBIT.factory().newConnection(); Channel channel = connection.createChannel()) {
      GetResponse got = channel.basicGet("notifications.info", true);
      assertThat(got).isNotNull();
      String body = new String(got.getBody(), StandardCharsets.UTF_8);
      assertThat(body).doesNotContain(TOKEN);
      ObjectMapper json = new ObjectMapper();
      JsonNode message = json.readTree(json.readTree(body).path("oslo.message").asText());
      assertThat(message.path("event_type").asText()).isEqualTo("oscope.tenant.request.refused");
      JsonNode payload = message.path("payload");
      assertThat(payload.path("project_id").asText()).isEqualTo("p-moving");
      assertThat(payload.path("project_name").asText()).isEqualTo("moving");
      assertThat(payload.path("service").asText()).isEqualTo("compute");
      assertThat(payload.path("method").asText()).isEqualTo("POST");
      assertThat(payload.path("path").asText()).isEqualTo("/compute/servers/42/action");
      assertThat(payload.path("cloud").asText()).isEqualTo("Solo");
      assertThat(payload.path("proxy").asText()).isEqualTo("oscope-Solo");
      assertThat(payload.path("reason").asText()).contains("in maintenance").contains("moving to CloudTwo");
    }
  }
}
