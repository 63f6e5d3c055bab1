package io.oscope.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.oscope.exchange.ServiceTokens;
import io.oscope.notify.NotificationTarget;
import io.oscope.notify.Notifier;
import io.oscope.notify.RabbitBroker;
import io.oscope.proxy.ProxySettings;
import io.oscope.proxy.ScopeProxy;
import io.oscope.reload.RouteReloader;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.exchange.KeystoneProjects;
import io.oscope.exchange.MaintenanceToggles;
import io.oscope.tenant.KeystoneProjectsStandIn;
import io.oscope.tenant.TenantEvents;
import io.oscope.tenant.TenantStates;
import io.oscope.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The maintenance toggles of the admin listener against a Keystone stand-in on loopback and a real
 * RabbitMQ for their events.
 */
class TenantEndpointsTest {
  @RegisterExtension
  static final RabbitBroker RABBIT = new RabbitBroker();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN_TOKEN = "admin-secret-token";

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private KeystoneProjectsStandIn keystone;
  private ScopeProxy proxy;
  private RouteReloader reloader;
  private AdminServer admin;
  private Notifier notifier;
  private TenantStates states;

  @BeforeEach
  void start() throws Exception {
    keystone = new KeystoneProjectsStandIn().project("p1", "demo");
    reactor.netty.http.client.HttpClient client = reactor.netty.http.client.HttpClient.create();
    KeystoneProjects keystoneProjects = new KeystoneProjects(new ServiceTokens(keystone.account(), client,
        Clock.systemUTC()), client, keystone.identityUrl(), Duration.ofSeconds(10));
    // Fresh for an hour: only forgetting it after a toggle shows the toggle at once.
    states = new TenantStates(keystoneProjects::state, Duration.ofHours(1), Duration.ofHours(2),
        com.github.benmanes.caffeine.cache.Ticker.systemTicker());
    notifier = Notifier.start(NotificationTarget.parse(RABBIT.url(), "openstack", "notifications", false),
        "oscope.test", result -> { });
    MaintenanceToggles toggles = new MaintenanceToggles(keystoneProjects, states,
        new TenantEvents(notifier, "oscope-Solo"), "admin", Clock.systemUTC());

    HostPort front = new HostPort("127.0.0.1", FreePorts.next());
    String routes = """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "%1$s/image", "Region": "Solo", "Frontend": "%1$s", "Backend": "127.0.0.1:%2$d"}
        ]}""".formatted(front, FreePorts.next());
    RouteTable table = RouteTable.compile("admin", RouteFile.parse("admin", routes.getBytes(StandardCharsets.UTF_8)), "Solo");
    proxy = ScopeProxy.start(table, ProxySettings.of("Solo", front));
    reloader = RouteReloader.start(Path.of("unused.json"), "Solo", proxy::swap, table);
    admin = AdminServer.start(new HostPort("127.0.0.1", 0), reloader, proxy, ADMIN_TOKEN, java.util.Set.of(), toggles);
  }

  @AfterEach
  void stop() {
    if (admin != null) admin.close();
    if (reloader != null) reloader.close();
    if (proxy != null) proxy.close();
    if (notifier != null) notifier.close(Duration.ZERO);
    if (keystone != null) keystone.close();
  }

  private HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) request.header("Authorization", "Bearer " + token);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void maintenanceOnAndOffByNameApplyHereAtOnceAndAreNotified() throws Exception {
    assertThat(states.lookup("p1").join()).hasToString(
        "Known[state=TenantState[projectId=p1, name=demo, maintenance=null, maintenanceSince=null, homeCloud=null]]");

    assertThat(call("PUT", "/tenants/demo/maintenance", "{\"reason\": \"moving to CloudTwo\"}", null).statusCode())
        .as("the admin token is needed").isEqualTo(401);
    HttpResponse<String> on = call("PUT", "/tenants/demo/maintenance", "{\"reason\": \"moving to CloudTwo\"}", ADMIN_TOKEN);

    assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
    JsonNode tenant = JSON.readTree(on.body()).path("tenant");
    assertThat(tenant.path("project_id").asText()).isEqualTo("p1");
    assertThat(tenant.path("maintenance").asBoolean()).isTrue();
    assertThat(tenant.path("reason").asText()).isEqualTo("moving to CloudTwo");
    assertThat(keystone.projects.get("p1").path("oscope_maintenance").asText()).isEqualTo("moving to CloudTwo");
    assertThat(((TenantStates.Lookup.Known) states.lookup("p1").join()).state().inMaintenance())
        .as("this proxy forgot the state it had read an hour's freshness ago").isTrue();

    HttpResponse<String> list = call("GET", "/tenants", null, ADMIN_TOKEN);
    assertThat(JSON.readTree(list.body()).path("tenants").get(0).path("project_name").asText()).isEqualTo("demo");

    HttpResponse<String> off = call("DELETE", "/tenants/p1/maintenance", null, ADMIN_TOKEN);
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    assertThat(JSON.readTree(off.body()).path("tenant").path("maintenance").asBoolean()).isFalse();
    assertThat(keystone.projects.get("p1").has("oscope_maintenance")).isFalse();
    assertThat(((TenantStates.Lookup.Known) states.lookup("p1").join()).state().inMaintenance()).isFalse();
    assertThat(JSON.readTree(call("GET", "/tenants", null, ADMIN_TOKEN).body()).path("tenants")).isEmpty();

    notifier.close(Duration.ofSeconds(30));
    try (Connection connection = RABBIT.factory().newConnection(); Channel channel = connection.createChannel()) {
      JsonNode first = message(channel.basicGet("notifications.info", true));
      JsonNode second = message(channel.basicGet("notifications.info", true));
      assertThat(first.path("event_type").asText()).isEqualTo("oscope.tenant.maintenance.on");
      assertThat(first.path("payload").path("project_id").asText()).isEqualTo("p1");
      assertThat(first.path("payload").path("reason").asText()).isEqualTo("moving to CloudTwo");
      assertThat(first.path("payload").path("via").asText()).isEqualTo("admin");
      assertThat(second.path("event_type").asText()).isEqualTo("oscope.tenant.maintenance.off");
      assertThat(second.path("payload").path("project_name").asText()).isEqualTo("demo");
    }
  }

  @Test
  void aMissingReasonOrProjectIsAClearError() throws Exception {
    HttpResponse<String> noReason = call("PUT", "/tenants/demo/maintenance", "{}", ADMIN_TOKEN);
    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(noReason.body()).contains("needs a JSON body").contains("reason");
    assertThat(call("PUT", "/tenants/demo/maintenance", "not json", ADMIN_TOKEN).statusCode()).isEqualTo(400);

    HttpResponse<String> unknown = call("DELETE", "/tenants/nosuch/maintenance", null, ADMIN_TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).path("error").path("message").asText()).contains("nosuch");
    assertThat(keystone.projects.get("p1").has("oscope_maintenance")).isFalse();
  }

  private static JsonNode message(GetResponse got) throws Exception {
    assertThat(got).as("a notification waits in notifications.info").isNotNull();
    return JSON.readTree(JSON.readTree(got.getBody()).path("oslo.message").asText());
  }
}
