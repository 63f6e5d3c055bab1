package io.oscope.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** /readyz probes the local backends; /metrics counts what the proxy did; JSON access lines. */
class AdminEndpointsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private StandInService image;
  private ScopeProxy proxy;
  private RouteReloader reloader;
  private AdminServer admin;

  /** A proxy whose image backend runs and whose volume backend is {@code volume} (maybe closed). */
  private void start(HostPort volume, ProxySettings.AccessLog accessLog) throws Exception {
    image = StandInService.start("Solo", "image", new HostPort("127.0.0.1", 0));
    HostPort front = new HostPort("127.0.0.1", FreePorts.next());
    String routes = """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "%1$s/image", "Region": "Solo", "Frontend": "%1$s", "Backend": "%2$s"},
          {"Service Type": "volumev3", "Interface": "public", "URL": "%1$s/volume", "Region": "Solo", "Frontend": "%1$s", "Backend": "%3$s"}
        ]}""".formatted(front, image.address(), volume);
    RouteTable table = RouteTable.compile("admin", RouteFile.parse("admin", routes.getBytes(StandardCharsets.UTF_8)), "Solo");
    ProxySettings settings = ProxySettings.of("Solo", front);
    proxy = ScopeProxy.start(table, settings.toBuilder().accessLog(accessLog).build());
    reloader = RouteReloader.start(Path.of("unused.json"), "Solo", proxy::swap, table);
    admin = AdminServer.start(new HostPort("127.0.0.1", 0), reloader, proxy);
  }

  @AfterEach
  void stop() {
    if (admin != null) admin.close();
    if (reloader != null) reloader.close();
    if (proxy != null) proxy.close();
    if (image != null) image.close();
  }

  @Test
  void readyOnlyWhenEveryLocalServiceHasABackendUp() throws Exception {
    start(new HostPort("127.0.0.1", FreePorts.next()), ProxySettings.AccessLog.TEXT);

    HttpResponse<String> notReady = adminGet("/readyz");

    assertThat(notReady.statusCode()).isEqualTo(503);
    JsonNode report = JSON.readTree(notReady.body());
    assertThat(report.path("ready").asBoolean()).isFalse();
    assertThat(report.path("backends").path("image " + image.address()).asText()).isEqualTo("up");
    assertThat(report.path("backends").toString()).contains("volumev3 127.0.0.1:").contains("down: ");
  }

  @Test
  void readyWhenAllBackendsAnswer() throws Exception {
    try (StandInService volume = StandInService.start("Solo", "volumev3", new HostPort("127.0.0.1", 0))) {
      start(volume.address(), ProxySettings.AccessLog.TEXT);

      HttpResponse<String> ready = adminGet("/readyz");

      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(ready.body()).path("ready").asBoolean()).isTrue();
    }
  }

  @Test
  void metricsCountRequestsScopeErrorsUpstreamErrorsAndTheTableVersion() throws Exception {
    start(new HostPort("127.0.0.1", FreePorts.next()), ProxySettings.AccessLog.TEXT);
    get("/image/v2/images", Map.of());
    get("/image/v2/images", Map.of());
    get("/image/v2/images", Map.of("X-Scope", "{oops"));
    get("/volume/v3/volumes", Map.of());

    // Each exchange is counted as it ends, which can be just after its client has the answer.
    String metrics = adminGet("/metrics").body();
    for (int i = 0; i < 100 && !metrics.contains("status=\"5xx\""); i++) metrics = adminGet("/metrics").body();

    assertThat(sample(metrics, "oscope_requests_seconds_count", "cloud=\"Solo\",service=\"image\",status=\"2xx\"")).isEqualTo(2.0);
    assertThat(sample(metrics, "oscope_requests_seconds_count", "cloud=\"none\",service=\"image\",status=\"4xx\"")).isEqualTo(1.0);
    assertThat(sample(metrics, "oscope_requests_seconds_count", "cloud=\"Solo\",service=\"volumev3\",status=\"5xx\"")).isEqualTo(1.0);
    assertThat(sample(metrics, "oscope_scope_errors_total", "reason=\"malformed_scope\"")).isEqualTo(1.0);
    assertThat(sample(metrics, "oscope_upstream_errors_total", "kind=\"refused\"")).isEqualTo(1.0);
    assertThat(sample(metrics, "oscope_route_table_info", "version=\"" + proxy.table().version() + "\"")).isEqualTo(1.0);
    assertThat(sample(metrics, "oscope_response_bytes_total", "cloud=\"Solo\",service=\"image\"")).isPositive();
    assertThat(metrics).contains("oscope_requests_seconds_bucket{").contains("oscope_connections_active ");
  }

  @Test
  void theAccessLogCanBeJsonLinesWithoutTokens() throws Exception {
    start(new HostPort("127.0.0.1", FreePorts.next()), ProxySettings.AccessLog.JSON);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Logger access = (Logger) LoggerFactory.getLogger("oscope.access");
    access.addAppender(appender);
    try {
      get("/image/v2/images?secret=x", Map.of("X-Auth-Token", "SECRET-TOKEN"));
      // the line is written when the exchange ends, which may be just after the client has its answer
      for (int i = 0; i < 100 && appender.list.isEmpty(); i++) get("/image/v2/images", Map.of());
    } finally {
      access.detachAppender(appender);
    }
    JsonNode line = JSON.readTree(appender.list.get(0).getFormattedMessage());
    assertThat(line.path("method").asText()).isEqualTo("GET");
    assertThat(line.path("service").asText()).isEqualTo("image");
    assertThat(line.path("cloud").asText()).isEqualTo("Solo");
    assertThat(line.path("status").asInt()).isEqualTo(200);
    assertThat(line.path("path").asText()).isEqualTo("/image/v2/images");
    assertThat(line.path("client").asText()).isEqualTo("127.0.0.1");
    assertThat(java.time.OffsetDateTime.parse(line.path("time").asText())).isNotNull();
    assertThat(line.path("proxy").asText()).isEqualTo("oscope-Solo");
    assertThat(appender.list).allSatisfy(event -> assertThat(event.getFormattedMessage()).doesNotContain("SECRET"));
  }

  @Test
  void aTokenProtectsEveryEndpointButTheProbes() throws Exception {
    start(new HostPort("127.0.0.1", FreePorts.next()), ProxySettings.AccessLog.TEXT);
    admin.close();
    admin = AdminServer.start(new HostPort("127.0.0.1", 0), reloader, proxy, "s3cret-admin-token");

    assertThat(adminGet("/metrics").statusCode()).isEqualTo(401);
    assertThat(adminGet("/routes").statusCode()).isEqualTo(401);
    assertThat(adminGet("/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> withToken = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + admin.address().getPort() + "/routes"))
        .header("Authorization", "Bearer s3cret-admin-token").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(withToken.statusCode()).isEqualTo(200);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> AdminServer.start(new HostPort("0.0.0.0", 0), reloader, proxy, null))
        .hasMessageContaining("is reachable beyond loopback: protect it with --admin-token-file");
  }

  @Test
  void healthzFailsNamingAnEventLoopThatIsWedged() throws Exception {
    start(new HostPort("127.0.0.1", FreePorts.next()), ProxySettings.AccessLog.TEXT);
    assertThat(adminGet("/healthz").statusCode()).isEqualTo(200);
    // An access-log appender that blocks is a real way to wedge a loop: lines are written on it.
    CountDownLatch wedged = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AppenderBase<ILoggingEvent> blocking = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        if (!event.getFormattedMessage().contains("/image/wedge")) return;
        wedged.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    blocking.start();
    Logger access = (Logger) LoggerFactory.getLogger("oscope.access");
    access.addAppender(blocking);
    try {
      var stuckRequest = http.sendAsync(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + proxy.address().getPort() + "/image/wedge")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(wedged.await(30, TimeUnit.SECONDS)).as("the loop is wedged").isTrue();

      HttpResponse<String> whileWedged = adminGet("/healthz");

      assertThat(whileWedged.statusCode()).isEqualTo(503);
      JsonNode report = JSON.readTree(whileWedged.body());
      assertThat(report.path("status").asText()).isEqualTo("stuck");
      assertThat(report.path("stuckLoops")).hasSize(1);
      assertThat(report.path("message").asText()).matches("event loop \\d+ of \\d+ ran no task within 1000 ms: .*");
      release.countDown();
      stuckRequest.get(30, TimeUnit.SECONDS);
      HttpResponse<String> released = adminGet("/healthz");
      assertThat(released.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(released.body()).path("status").asText()).isEqualTo("ok");
    } finally {
      release.countDown();
      access.detachAppender(blocking);
    }
  }

  @Test
  void aLoopbackListenerAnswersOnlyRequestsNamingItInHost() throws Exception {
    start(new HostPort("127.0.0.1", FreePorts.next()), ProxySettings.AccessLog.TEXT);
    admin.close();
    admin = AdminServer.start(new HostPort("127.0.0.1", 0), reloader, proxy, null, Set.of("Admin.Oscope.Test"));
    int port = admin.address().getPort();

    for (String host : List.of("localhost:" + port, "127.0.0.1:" + port, "127.0.0.2:" + port, "[::1]:" + port,
        "LOCALHOST:" + port, "admin.oscope.test:" + port)) {
      assertThat(raw("GET /routes", "Host: " + host).status).as(host).isEqualTo(200);
    }
    for (String host : List.of("rebound.attacker.example:" + port, "localhost:" + (port == 1 ? 2 : 1), "localhost",
        "127.0.0.1.attacker.example:" + port, "128.0.0.1:" + port, "[::2]:" + port)) {
      Raw refused = raw("GET /routes", "Host: " + host);
      assertThat(refused.status).as(host).isEqualTo(403);
      assertThat(refused.message()).as(host).contains("not '" + host + "'").contains("with port " + port);
    }
    assertThat(raw("GET /healthz", "Host: rebound.attacker.example:" + port).status).as("probes too").isEqualTo(403);
  }

  @Test
  void crossOriginAndCrossSiteRequestsAreRefused() throws Exception {
    start(new HostPort("127.0.0.1", FreePorts.next()), ProxySettings.AccessLog.TEXT);
    String host = "Host: 127.0.0.1:" + admin.address().getPort();

    Raw crossOrigin = raw("POST /reload", host, "Origin: http://attacker.example", "Content-Length: 0");
    assertThat(crossOrigin.status).isEqualTo(403);
    assertThat(crossOrigin.message()).isEqualTo("Cross-origin requests to the admin listener are refused: Origin 'http://attacker.example'");
    assertThat(raw("GET /routes", host, "Origin: null").status).isEqualTo(403);
    assertThat(raw("GET /routes", host, "Origin: http://localhost:" + admin.address().getPort()).status)
        .as("another name of this listener is another origin").isEqualTo(403);
    Raw crossSite = raw("POST /reload", host, "Sec-Fetch-Site: cross-site", "Content-Length: 0");
    assertThat(crossSite.status).isEqualTo(403);
    assertThat(crossSite.message()).contains("Sec-Fetch-Site 'cross-site'");
    assertThat(raw("POST /reload", host, "Sec-Fetch-Site: same-site", "Content-Length: 0").status).isEqualTo(403);

    assertThat(raw("GET /routes", host, "Origin: http://127.0.0.1:" + admin.address().getPort()).status).isEqualTo(200);
    assertThat(raw("GET /routes", host, "Sec-Fetch-Site: cross-site").status).as("a read: the browser keeps its answer").isEqualTo(200);
    assertThat(raw("POST /reload", host, "Sec-Fetch-Site: same-origin", "Content-Length: 0").status).isNotEqualTo(403);
    assertThat(raw("POST /reload", host, "Content-Length: 0").status).as("curl").isNotEqualTo(403);
  }

  @Test
  void theBearerSchemeIsCaseInsensitive() throws Exception {
    start(new HostPort("127.0.0.1", FreePorts.next()), ProxySettings.AccessLog.TEXT);
    admin.close();
    admin = AdminServer.start(new HostPort("127.0.0.1", 0), reloader, proxy, "s3cret-admin-token");
    String host = "Host: localhost:" + admin.address().getPort();

    for (String scheme : List.of("Bearer", "bearer", "BEARER", "bEaReR")) {
      assertThat(raw("GET /routes", host, "Authorization: " + scheme + " s3cret-admin-token").status).as(scheme).isEqualTo(200);
    }
    for (String wrong : List.of("Bearer s3cret-admin-toke", "Bearer s3cret-admin-token2", "Basic s3cret-admin-token",
        "Bearers3cret-admin-token", "s3cret-admin-token", "Bearer")) {
      Raw refused = raw("GET /routes", host, "Authorization: " + wrong);
      assertThat(refused.status).as(wrong).isEqualTo(401);
      assertThat(refused.message()).isEqualTo("This admin endpoint needs Authorization: Bearer <token>");
    }
  }

  /** A response read off a raw socket: what an HTTP client that sets any Host and Origin gets. */
  private record Raw(int status, String body) {
    String message() throws Exception {
      return JSON.readTree(body).path("error").path("message").asText();
    }
  }

  private Raw raw(String requestLine, String... headers) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", admin.address().getPort())) {
      socket.setSoTimeout(30_000);
      StringBuilder request = new StringBuilder(requestLine).append(" HTTP/1.1\r\n");
      for (String header : headers) request.append(header).append("\r\n");
      request.append("Connection: close\r\n\r\n");
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int bodyStart = response.indexOf("\r\n\r\n");
      return new Raw(Integer.parseInt(response.substring(9, 12)), bodyStart < 0 ? "" : response.substring(bodyStart + 4));
    }
  }

  private static double sample(String metrics, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(metrics);
    while (m.find()) {
      if (m.group(1).contains(labels)) return Double.parseDouble(m.group(2));
    }
    throw new AssertionError("no sample " + name + "{" + labels + "} in:\n" + metrics);
  }

  private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.address().getPort() + path));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> adminGet(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

}
