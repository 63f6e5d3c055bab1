package io.oscope.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oscope.admin.AdminServer;
import io.oscope.demo.StandInService;
import io.oscope.proxy.ProxySettings;
import io.oscope.proxy.ScopeProxy;
import io.oscope.reload.RouteReloader;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.tcp.TcpServer;

/**
 * Passive health judges addresses, not answers: an upstream that answers, whatever the status,
 * stays up; one that cannot be reached, or does not speak HTTP, goes down after {@code fall}
 * tries; an address a reload removed leaves the state the proxy shows.
 */
class PassiveHealthTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<AutoCloseable> open = new ArrayList<>();
  private final StateChanges changes = new StateChanges();
  private ScopeProxy proxy;
  private HostPort front;

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    if (proxy != null) proxy.close();
    changes.close();
  }

  /** A proxy for one image service on {@code backends}, checked once at start (the next round is 30 s away). */
  private void start(String backends, PoolSettings.Balance balance) throws Exception {
    front = new HostPort("127.0.0.1", FreePorts.next());
    proxy = ScopeProxy.start(table(backends), ProxySettings.of("Solo", front)
        .toBuilder().pools(new PoolSettings(Duration.ofSeconds(30), Duration.ofMillis(500), 2, 3, null, 399, 2, balance)).build());
    proxy.firstHealthChecks().block(Duration.ofSeconds(10));
  }

  private RouteTable table(String backends) throws Exception {
    String routes = String.format("{\"services\": [{\"Service Type\": \"image\", \"Interface\": \"public\", \"URL\": \"%s/image\","
        + " \"Region\": \"Solo\", \"Frontend\": \"%s\", \"Backend\": \"%s\"}]}", front, front, backends);
    return RouteTable.compile("passive", RouteFile.parse("passive", routes.getBytes(StandardCharsets.UTF_8)), "Solo");
  }

  @Test
  void anUpstreamAnsweringOnly5xxStaysUpAndKeepsItsShare() throws Exception {
    // What a peer cloud's proxy answers when one service behind it is broken: its own 502/503/504
    // about that service, or the service's 500 relayed.
    int[] statuses = {500, 502, 503, 504};
    AtomicInteger failing = new AtomicInteger();
    DisposableServer broken = HttpServer.create().host("127.0.0.1").port(0)
        .handle((request, response) -> {
          int status = statuses[failing.getAndIncrement() % statuses.length];
          return response.status(status).header("Content-Type", "application/json")
              .sendString(Mono.just("{\"error\": {\"code\": " + status + ", \"message\": \"Every address of CloudTwo image backend is down\"}}"));
        })
        .bindNow();
    open.add(broken::disposeNow);
    StandInService healthy = StandInService.start("Solo", "image", new HostPort("127.0.0.1", 0));
    open.add(healthy);
    HostPort brokenAddress = new HostPort("127.0.0.1", broken.port());
    start(brokenAddress + "," + healthy.address(), PoolSettings.Balance.ROUND_ROBIN);

    int answered5xx = 0;
    for (int i = 0; i < 24; i++) {
      if (get().statusCode() >= 500) answered5xx++;
    }

    assertThat(failing.get()).as("requests the 5xx upstream got, 4 times fall").isEqualTo(12);
    assertThat(answered5xx).as("5xx answers relayed as they are").isEqualTo(12);
    assertThat(healthy.received()).isEqualTo(12);
    assertThat(proxy.balancer().member(brokenAddress).isUp()).isTrue();
    assertThat(changes.none()).as("no state change logged").isTrue();
  }

  @Test
  void aClosedPortGoesDownAfterFallConnectFailures() throws Exception {
    HostPort closed = new HostPort("127.0.0.1", FreePorts.next());
    start(closed.toString(), PoolSettings.Balance.LEAST_OUTSTANDING);
    Member member = proxy.balancer().member(closed);
    assertThat(member.isUp()).as("up after one failed check of 3").isTrue();

    HttpResponse<String> first = get();
    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(message(first)).contains("refused");
    assertThat(member.isUp()).as("up after two failures of 3").isTrue();

    assertThat(get().statusCode()).isEqualTo(503);
    assertThat(member.isUp()).as("down after the third").isFalse();
    assertThat(changes.next()).isEqualTo(closed + " down");
    assertThat(member.lastProblem()).contains("refused");

    HttpResponse<String> whenDown = get();
    assertThat(whenDown.statusCode()).isEqualTo(503);
    assertThat(message(whenDown)).isEqualTo("Every address of Solo image backend (" + closed + ") is down");
  }

  @Test
  void anUpstreamAnsweringSomethingNotHttpGoesDownAfterFall() throws Exception {
    DisposableServer garbage = TcpServer.create().host("127.0.0.1").port(0)
        .handle((in, out) -> out.sendString(Mono.just("SSH-2.0-OpenSSH_9.2\r\n\r\n")))
        .bindNow();
    open.add(garbage::disposeNow);
    HostPort address = new HostPort("127.0.0.1", garbage.port());
    start(address.toString(), PoolSettings.Balance.LEAST_OUTSTANDING);
    assertThat(proxy.balancer().member(address).isUp()).as("it accepts connections: the TCP check passes").isTrue();

    for (int i = 0; i < 3; i++) assertThat(get().statusCode()).isEqualTo(502);

    assertThat(changes.next()).isEqualTo(address + " down");
    assertThat(proxy.balancer().member(address).lastProblem()).startsWith("invalid response: ");
    assertThat(get().statusCode()).isEqualTo(503);
  }

  @Test
  void addressesAReloadRemovedLeavePoolsAndTheGauge() throws Exception {
    StandInService kept = StandInService.start("Solo", "image", new HostPort("127.0.0.1", 0));
    open.add(kept);
    HostPort removed = new HostPort("127.0.0.1", FreePorts.next());
    front = new HostPort("127.0.0.1", FreePorts.next());
    RouteTable before = table(removed + "," + kept.address());
    // Checks every 50 ms: the round after the reload is the event this test waits for.
    proxy = ScopeProxy.start(before, ProxySettings.of("Solo", front)
        .toBuilder().pools(new PoolSettings(Duration.ofMillis(50), Duration.ofMillis(500), 2, 1, null, 399, 2,
            PoolSettings.Balance.LEAST_OUTSTANDING)).build());
    RouteReloader reloader = RouteReloader.start(Path.of("unused.json"), "Solo", proxy::swap, before);
    open.add(reloader);
    AdminServer admin = AdminServer.start(new HostPort("127.0.0.1", 0), reloader, proxy);
    open.add(admin);
    assertThat(changes.next()).isEqualTo(removed + " down");
    assertThat(adminGet(admin, "/pools").path("upstreams").has(removed.toString())).isTrue();
    assertThat(metrics(admin)).contains("oscope_upstream_up{address=\"" + removed + "\"} 0.0");

    proxy.swap(table(kept.address().toString()));

    assertThat(changes.next()).isEqualTo(removed + " forgotten");
    JsonNode pools = adminGet(admin, "/pools").path("upstreams");
    assertThat(pools.has(removed.toString())).isFalse();
    assertThat(pools.path(kept.address().toString()).path("up").asBoolean()).isTrue();
    String metrics = metrics(admin);
    assertThat(metrics).doesNotContain(removed.toString());
    assertThat(metrics).contains("oscope_upstream_up{address=\"" + kept.address() + "\"} 1.0");
  }

  private HttpResponse<String> get() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + front + "/image/v2/images")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String message(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body()).path("error").path("message").asText();
  }

  private JsonNode adminGet(AdminServer admin, String path) throws Exception {
    return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  private String metrics(AdminServer admin) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
