package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.oscope.pool.PoolSettings;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import io.oscope.tenant.TenantGate;
import io.oscope.tenant.TenantPolicy;
import io.oscope.token.TokenIdentities;
import io.oscope.token.TokenIdentity;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code "CloudOne | CloudTwo"}: CloudOne's proxy tries its own image backend, then CloudTwo's
 * proxy (here a raw upstream that records what it gets), for every failure kind the issue names;
 * and not for an answer that is one, nor for a request whose body went upstream.
 */
class FailoverTest {
  private static final String FAILOVER = "{\"image\": \"CloudOne | CloudTwo\"}";
  private static final String FROM_TWO = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nfrom two";

  private final List<AutoCloseable> closing = new ArrayList<>();
  private ConcurrentUpstream two;
  private ScopeProxy proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) proxy.close();
    for (AutoCloseable c : closing) c.close();
  }

  /** CloudOne's proxy with its image backend on {@code onePort}; CloudTwo's proxy answers {@link #FROM_TWO}. */
  private void start(int onePort, Ticker ticker, Duration responseTimeout) throws Exception {
    start(onePort, ticker, responseTimeout, null);
  }

  private void start(int onePort, Ticker ticker, Duration responseTimeout, TenantGate tenants) throws Exception {
    two = upstream((head, connection, out) -> {
      out.write(ascii(FROM_TWO));
      return true;
    });
    HostPort listen = TwoClouds.loopback(FreePorts.next());
    String routes = """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "%1$s/image", "Region": "CloudOne", "Frontend": "%1$s", "Backend": "127.0.0.1:%2$d"},
          {"Service Type": "image", "Interface": "public", "URL": "127.0.0.1:%3$d/image", "Region": "CloudTwo", "Frontend": "127.0.0.1:%3$d"}
        ]}""".formatted(listen, onePort, two.port());
    RouteTable table = RouteTable.compile("failover", RouteFile.parse("failover", routes.getBytes(StandardCharsets.UTF_8)),
        "CloudOne");
    // No active checks: only what requests meet takes an address down (fall 1 for the all-down case).
    PoolSettings pools = new PoolSettings(Duration.ofHours(1), Duration.ofSeconds(1), 1, 1, null, 399, 2, null);
    proxy = ScopeProxy.start(table, ProxySettings.of("CloudOne", listen).toBuilder().connectTimeout(Duration.ofSeconds(5))
        .responseTimeout(responseTimeout).pools(pools).build(), ticker, tenants);
  }

  private void start(ConcurrentUpstream.Answer one) throws Exception {
    start(upstream(one).port(), Ticker.systemTicker(), Duration.ofSeconds(30));
  }

  private ConcurrentUpstream upstream(ConcurrentUpstream.Answer answer) throws IOException {
    ConcurrentUpstream upstream = new ConcurrentUpstream(answer);
    closing.add(upstream);
    return upstream;
  }

  private String exchange(String method, String path, String scope, String body) throws IOException {
    try (Socket client = new Socket("127.0.0.1", proxy.address().getPort())) {
      client.setSoTimeout(20_000);
      String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.address().getPort()
          + "\r\nX-Scope: " + scope + "\r\nConnection: close\r\n"
          + (body == null ? "" : "Content-Length: " + body.length() + "\r\n") + "\r\n" + (body == null ? "" : body);
      client.getOutputStream().write(ascii(head));
      return readAll(client.getInputStream());
    }
  }

  private String get(String path) throws IOException {
    return exchange("GET", path, FAILOVER, null);
  }

  private double failovers() {
    String scrape = proxy.scrapeMetrics();
    String series = "oscope_failovers_total{from=\"CloudOne\",service=\"image\",to=\"CloudTwo\"} ";
    return scrape.lines().filter(line -> line.startsWith(series))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length()))).findFirst().orElseThrow();
  }

  /** What CloudTwo's proxy got: one request, whose scope names CloudTwo alone for image. */
  private void assertTwoGotOneRequestScopedToItself() {
    assertThat(two.received).hasSize(1);
    String head = two.received.get(0).head();
    assertThat(head).startsWith("GET http://127.0.0.1:" + two.port() + "/image/v2/images/");
    assertThat(head.toLowerCase()).contains("x-scope: {\"image\":\"cloudtwo\"}");
    assertThat(head).doesNotContain("|");
  }

  @Test
  void aRefusedConnectionMovesOnAndTheAccessLogAndMetricSaySo() throws Exception {
    try (AccessLines lines = new AccessLines()) {
      start(FreePorts.next(), Ticker.systemTicker(), Duration.ofSeconds(30));
      assertThat(failovers()).isZero();

      assertThat(get("/image/v2/images/1")).startsWith("HTTP/1.1 200 ").endsWith("from two");

      assertTwoGotOneRequestScopedToItself();
      assertThat(failovers()).isEqualTo(1);
      assertThat(lines.awaitContaining("/image/v2/images/1")).contains(" GET image CloudTwo 200 ").endsWith(" failover=CloudOne");
    }
  }

  @ParameterizedTest(name = "a {0} moves on, its body unread by the client")
  @ValueSource(ints = {500, 502, 503})
  void aServerErrorMovesOn(int status) throws Exception {
    start((head, connection, out) -> {
      out.write(ascii("HTTP/1.1 " + status + " Oops\r\nContent-Length: 9\r\n\r\nnot shown"));
      return true;
    });

    String response = get("/image/v2/images/1");

    assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("from two").doesNotContain("not shown");
    assertTwoGotOneRequestScopedToItself();
  }

  @Test
  void aNotFoundOfOneImageMovesOnButNotOfAList() throws Exception {
    ConcurrentUpstream one = upstream((head, connection, out) -> {
      out.write(ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"));
      return true;
    });
    start(one.port(), Ticker.systemTicker(), Duration.ofSeconds(30));

    assertThat(get("/image/v2/images/6a2c0b47-5d6d-4ae5-9c5f-8f7d0c3f2b1e")).startsWith("HTTP/1.1 200 ").endsWith("from two");
    assertThat(get("/image/v2/images")).startsWith("HTTP/1.1 404 ").endsWith("not found");
    assertThat(exchange("DELETE", "/image/v2/images/1", FAILOVER, null)).startsWith("HTTP/1.1 404 ");

    assertThat(two.received).hasSize(1);
    assertThat(one.received).hasSize(3);
  }

  @ParameterizedTest(name = "a {0} is the answer")
  @ValueSource(ints = {400, 401, 403, 409})
  void anotherClientErrorIsTheAnswer(int status) throws Exception {
    start((head, connection, out) -> {
      out.write(ascii("HTTP/1.1 " + status + " No\r\nContent-Length: 2\r\n\r\nno"));
      return true;
    });

    assertThat(get("/image/v2/images/1")).startsWith("HTTP/1.1 " + status + " ").endsWith("no");
    assertThat(two.received).isEmpty();
  }

  @Test
  void aTimeoutMovesOn() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch released = new CountDownLatch(1);
    ConcurrentUpstream silent = upstream((head, connection, out) -> {
      arrived.countDown();
      try {
        released.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return false; // never answers
    });
    MockTicker ticker = Ticker.newMockTicker();
    Duration timeout = Duration.ofMillis(300);
    start(silent.port(), ticker, timeout);

    try (Socket client = new Socket("127.0.0.1", proxy.address().getPort())) {
      client.setSoTimeout(20_000);
      client.getOutputStream().write(ascii("GET /image/v2/images/1 HTTP/1.1\r\nHost: 127.0.0.1:"
          + proxy.address().getPort() + "\r\nX-Scope: " + FAILOVER + "\r\nConnection: close\r\n\r\n"));
      assertThat(arrived.await(20, TimeUnit.SECONDS)).isTrue();
      ticker.advance(timeout.toNanos() * 10, TimeUnit.NANOSECONDS);

      assertThat(readAll(client.getInputStream())).startsWith("HTTP/1.1 200 ").endsWith("from two");
    } finally {
      released.countDown();
    }
    assertTwoGotOneRequestScopedToItself();
  }

  @Test
  void aPoolThatIsAllDownMovesOnWithoutTrying() throws Exception {
    int closed = FreePorts.next();
    start(closed, Ticker.systemTicker(), Duration.ofSeconds(30));

    assertThat(get("/image/v2/images/1")).startsWith("HTTP/1.1 200 ");
    assertThat(proxy.balancer().member(TwoClouds.loopback(closed)).isUp()).as("fall 1: down after one refusal").isFalse();
    assertThat(get("/image/v2/images/2")).startsWith("HTTP/1.1 200 ").endsWith("from two");

    assertThat(two.received).hasSize(2);
    assertThat(failovers()).isEqualTo(2);
  }

  @ParameterizedTest(name = "a {0} whose body reached a backend is never sent again")
  @ValueSource(strings = {"POST", "PUT"})
  void aRequestWhoseBodyReachedABackendIsNeverSentAgain(String method) throws Exception {
    ConcurrentUpstream one = upstream((head, connection, out) -> {
      out.write(ascii("HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy"));
      return false;
    });
    start(one.port(), Ticker.systemTicker(), Duration.ofSeconds(30));

    String response = exchange(method, "/image/v2/images/1", FAILOVER, "{\"name\": \"cirros\"}");

    assertThat(response).startsWith("HTTP/1.1 503 ").endsWith("busy");
    assertThat(one.received).hasSize(1);
    assertThat(two.received).as("the request went to one cloud only").isEmpty();
  }

  @Test
  void aPostThatReachedNoBackendMovesOn() throws Exception {
    start(FreePorts.next(), Ticker.systemTicker(), Duration.ofSeconds(30));

    String response = exchange("POST", "/image/v2/images", FAILOVER, "{\"name\": \"cirros\"}");

    assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("from two");
    assertThat(two.received).hasSize(1);
    assertThat(two.received.get(0).head()).startsWith("POST ");
    assertThat(two.received.get(0).head().toLowerCase()).contains("content-length: 18");
  }

  @Test
  void theFirstAlternativeThatAnswersIsTheOnlyOneAsked() throws Exception {
    ConcurrentUpstream one = upstream((head, connection, out) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nfrom one"));
      return true;
    });
    start(one.port(), Ticker.systemTicker(), Duration.ofSeconds(30));

    String response = exchange("GET", "/image/v2/images/1", "{\"image\": \"CloudTwo | CloudOne\"}", null);

    assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("from two");
    assertThat(one.received).isEmpty();
  }

  @Test
  void aFanOutGoesToEveryCloudNotToOne() throws Exception {
    ConcurrentUpstream one = upstream((head, connection, out) -> {
      out.write(ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 8\r\n\r\nnot here"));
      return true;
    });
    start(one.port(), Ticker.systemTicker(), Duration.ofSeconds(30));

    String response = exchange("GET", "/image/v2/images/1", "{\"image\": \"CloudOne & CloudTwo\"}", null);

    // FanOutTest has the fan-out itself; here, only that '&' is no failover: the answer names its
    // cloud, as only a fan-out's does. Whether CloudOne's call was sent is not asserted: the first
    // 2xx answers, and drops a call still connecting.
    assertThat(response).startsWith("HTTP/1.1 200 ").contains("x-oscope-cloud: CloudTwo").endsWith("from two");
    assertThat(two.received).hasSize(1);
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void aFallbackToAnotherCloudIsCheckedByTheTenantPolicyAsTheFirstCloudWas() throws Exception {
    TokenIdentity member = new TokenIdentity("u", "p", null, null, List.of("password"), List.of("a"),
        java.time.Instant.now().plusSeconds(3600), java.util.Set.of("member"), TokenIdentity.Source.KEYSTONE);
    TokenIdentities identities = new TokenIdentities(() -> null, token -> CompletableFuture.completedFuture(member),
        TokenIdentities.Settings.DEFAULT, com.github.benmanes.caffeine.cache.Ticker.systemTicker(),
        java.time.InstantSource.system());
    TenantPolicy policy = new TenantPolicy(java.util.Map.of("image", java.util.Set.of("cross-cloud")), java.util.Map.of());
    start(FreePorts.next(), Ticker.systemTicker(), Duration.ofSeconds(30), new TenantGate(identities, null, null, () -> policy));

    String response = exchange("GET", "/image/v2/images/1", FAILOVER + "\r\nX-Auth-Token: member-token", null);

    assertThat(response).startsWith("HTTP/1.1 403 ").contains("needs one of the roles cross-cloud");
    assertThat(two.received).isEmpty();
  }

  @Test
  void eachCloudOfAFanOutIsCheckedByTheTenantPolicy() throws Exception {
    TokenIdentity member = new TokenIdentity("u", "p", null, null, List.of("password"), List.of("a"),
        java.time.Instant.now().plusSeconds(3600), java.util.Set.of("member"), TokenIdentity.Source.KEYSTONE);
    TokenIdentities identities = new TokenIdentities(() -> null, token -> CompletableFuture.completedFuture(member),
        TokenIdentities.Settings.DEFAULT, com.github.benmanes.caffeine.cache.Ticker.systemTicker(),
        java.time.InstantSource.system());
    TenantPolicy policy = new TenantPolicy(java.util.Map.of("image", java.util.Set.of("cross-cloud")), java.util.Map.of());
    ConcurrentUpstream one = upstream((head, connection, out) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nfrom one"));
      return true;
    });
    start(one.port(), Ticker.systemTicker(), Duration.ofSeconds(30), new TenantGate(identities, null, null, () -> policy));

    String response = exchange("GET", "/image/v2/images/1",
        "{\"image\": \"CloudOne & CloudTwo\"}\r\nX-Auth-Token: member-token", null);

    assertThat(response).startsWith("HTTP/1.1 403 ").contains("needs one of the roles cross-cloud");
    assertThat(two.received).isEmpty();
  }
}
