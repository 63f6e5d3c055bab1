package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.Ticker;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.tenant.TenantGate;
import io.oscope.tenant.TenantPolicy;
import io.oscope.tenant.TenantState;
import io.oscope.tenant.TenantStates;
import io.oscope.testing.FreePorts;
import io.oscope.token.TokenIdentities;
import io.oscope.token.TokenIdentity;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Home clouds through CloudOne's proxy: its own image and identity backends, CloudTwo's proxy a raw
 * upstream that records what it gets. Project p-moved has CloudTwo as its home cloud (Keystone's
 * answer comes from the test); p-home has none.
 */
class HomeCloudTest {
  private final ConcurrentUpstream one = upstream("from one");
  private final ConcurrentUpstream two = upstream("from two");
  private ScopeProxy proxy;

  private static ConcurrentUpstream upstream(String body) {
    try {
      return new ConcurrentUpstream((head, connection, out) -> {
        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
            .getBytes(StandardCharsets.US_ASCII));
        return true;
      });
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TokenIdentity member(String project) {
    return new TokenIdentity("u", project, null, null, List.of("password"), List.of("a"),
        Instant.now().plusSeconds(3600), Set.of("member"), TokenIdentity.Source.KEYSTONE);
  }

  @BeforeEach
  void start() throws Exception {
    HostPort listen = TwoClouds.loopback(FreePorts.next());
    String routes = """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "%1$s/image", "Region": "CloudOne", "Frontend": "%1$s", "Backend": "127.0.0.1:%2$d"},
          {"Service Type": "identity", "Interface": "public", "URL": "%1$s/identity", "Region": "CloudOne", "Frontend": "%1$s", "Backend": "127.0.0.1:%2$d"},
          {"Service Type": "image", "Interface": "public", "URL": "127.0.0.1:%3$d/image", "Region": "CloudTwo", "Frontend": "127.0.0.1:%3$d"},
          {"Service Type": "identity", "Interface": "public", "URL": "127.0.0.1:%3$d/identity", "Region": "CloudTwo", "Frontend": "127.0.0.1:%3$d"}
        ]}""".formatted(listen, one.port(), two.port());
    RouteTable table = RouteTable.compile("home", RouteFile.parse("home", routes.getBytes(StandardCharsets.UTF_8)),
        "CloudOne");
    TokenIdentities identities = new TokenIdentities(() -> null,
        token -> CompletableFuture.completedFuture(member(token.equals("tok-moved") ? "p-moved" : "p-home")),
        TokenIdentities.Settings.DEFAULT, com.github.benmanes.caffeine.cache.Ticker.systemTicker(), InstantSource.system());
    TenantStates states = new TenantStates(project -> CompletableFuture.completedFuture(
        new TenantState(project, project, null, null, project.equals("p-moved") ? "CloudTwo" : null)),
        Duration.ofSeconds(5), Duration.ofMinutes(10), com.github.benmanes.caffeine.cache.Ticker.systemTicker());
    proxy = ScopeProxy.start(table, ProxySettings.of("CloudOne", listen), Ticker.systemTicker(),
        new TenantGate(identities, states, false, null, () -> TenantPolicy.NONE, true));
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    one.close();
    two.close();
  }

  private String get(String path, String headers) throws IOException {
    try (Socket client = new Socket("127.0.0.1", proxy.address().getPort())) {
      client.setSoTimeout(20_000);
      client.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.address().getPort()
          + "\r\n" + headers + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void anUnscopedRequestOfAMovedProjectGoesToItsHomeCloudScopedToIt() throws Exception {
    assertThat(get("/image/v2/images", "X-Auth-Token: tok-moved\r\n")).endsWith("from two");

    assertThat(two.received).hasSize(1);
    String head = two.received.get(0).head().toLowerCase();
    assertThat(head).startsWith("get http://127.0.0.1:" + two.port() + "/image/v2/images ");
    assertThat(head).contains("x-scope: {\"identity\":\"cloudone\",\"image\":\"cloudtwo\"}");
    assertThat(head).as("the services' own calls with the token follow the scope: it rides on the token")
        .contains("x-auth-token: tok-moved!scope!{\"identity\":\"cloudone\",\"image\":\"cloudtwo\"}");
  }

  @Test
  void identityStaysWithTheTokensCloudAndOtherProjectsStayHome() throws Exception {
    assertThat(get("/identity/v3/auth/tokens", "X-Auth-Token: tok-moved\r\n")).endsWith("from one");
    assertThat(get("/image/v2/images", "X-Auth-Token: tok-stays\r\n")).endsWith("from one");
    assertThat(two.received).isEmpty();
    assertThat(one.received.get(1).head()).as("no scope put on the token of a request that stays")
        .contains("X-Auth-Token: tok-stays\r\n");
  }

  @Test
  void theClientsScopeWins() throws Exception {
    assertThat(get("/image/v2/images", "X-Auth-Token: tok-moved\r\nX-Scope: {\"image\": \"CloudOne\"}\r\n"))
        .endsWith("from one");
    assertThat(get("/image/v2/images", "X-Auth-Token: tok-moved!SCOPE!{\"compute\": \"CloudOne\"}\r\n"))
        .as("a scope that names another service").endsWith("from two");
  }
}
