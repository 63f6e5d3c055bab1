package io.oscope.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.oscope.pool.PoolSettings;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upstreams that refuse, stall, reset or close: the client gets a fast 503/502/504 when nothing was
 * sent yet, and a cut connection (never a truncated 200) when the response had started.
 */
class FailingUpstreamTest {
  private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(2);
  private static WireMockServer odd;
  private static TruncatingServer truncating;
  private static ScopeProxy proxy;
  private static final Http http = Http.direct();

  @BeforeAll
  static void start() throws Exception {
    odd = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    odd.start();
    odd.stubFor(get(urlPathEqualTo("/image/slow")).willReturn(aResponse().withStatus(200).withFixedDelay(8_000)));
    odd.stubFor(get(urlPathEqualTo("/image/reset")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    odd.stubFor(any(urlPathEqualTo("/image/teapot")).willReturn(aResponse().withStatus(418).withBody("short and stout")));
    truncating = new TruncatingServer();
    int closed = FreePorts.next();
    String routes = """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "127.0.0.1:%1$d/image", "Region": "Solo", "Frontend": "127.0.0.1:%1$d", "Backend": "127.0.0.1:%2$d"},
          {"Service Type": "volume", "Interface": "public", "URL": "127.0.0.1:%1$d/volume", "Region": "Solo", "Frontend": "127.0.0.1:%1$d", "Backend": "127.0.0.1:%3$d"},
          {"Service Type": "compute", "Interface": "public", "URL": "127.0.0.1:%1$d/compute", "Region": "Solo", "Frontend": "127.0.0.1:%1$d", "Backend": "127.0.0.1:%4$d"},
          {"Service Type": "image", "Interface": "public", "URL": "127.0.0.1:%3$d/image", "Region": "Gone", "Frontend": "127.0.0.1:%3$d"}
        ]}""".formatted(FreePorts.next(), odd.port(), closed, truncating.port());
    HostPort listen = TwoClouds.loopback(Integer.parseInt(routes.replaceAll("(?s).*?127\\.0\\.0\\.1:(\\d+)/image.*", "$1")));
    RouteTable table = RouteTable.compile("failing", RouteFile.parse("failing", routes.getBytes(StandardCharsets.UTF_8)), "Solo");
    // Health checks of the closed port would take it down while the class runs, answering its
    // requests "every address is down" before they try: they are left out of this test.
    PoolSettings noChecks = new PoolSettings(Duration.ofHours(1), Duration.ofSeconds(1), 2, 5, null, 399, 2, null);
    proxy = ScopeProxy.start(table, ProxySettings.of("Solo", listen).toBuilder().connectTimeout(Duration.ofSeconds(2))
        .responseTimeout(RESPONSE_TIMEOUT).pools(noChecks).build());
  }

  @AfterAll
  static void stop() throws IOException {
    proxy.close();
    odd.stop();
    truncating.close();
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + proxy.address().getPort() + path;
  }

  @Test
  void aRefusedBackendIsA503ThatClientsRetry() {
    Http.Reply reply = http.get(url("/volume/v3/volumes"), Map.of());

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.json().path("error").path("message").asText())
        .matches("Upstream Solo volume backend 127\\.0\\.0\\.1:\\d+ refused the connection");
  }

  @Test
  void aPeerProxyThatIsDownIsA503() {
    Http.Reply reply = http.get(url("/image/v2/images"), Map.of("X-Scope", "{\"image\":\"Gone\"}"));

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.json().path("error").path("message").asText())
        .matches("Upstream Gone proxy 127\\.0\\.0\\.1:\\d+ refused the connection");
  }

  @Test
  void aSlowUpstreamIsA504() {
    Http.Reply reply = http.get(url("/image/slow"), Map.of());

    assertThat(reply.status()).isEqualTo(504);
    assertThat(reply.json().path("error").path("message").asText())
        .matches("Upstream Solo image backend 127\\.0\\.0\\.1:\\d+ did not answer within 2000 ms");
  }

  @Test
  void aResetBeforeTheResponseIsA502() {
    Http.Reply reply = http.get(url("/image/reset"), Map.of());

    assertThat(reply.status()).isEqualTo(502);
  }

  @Test
  void oddStatusCodesAndBodiesPassThroughUntouched() {
    Http.Reply reply = http.send("PATCH", url("/image/teapot"), Map.of());

    assertThat(reply.status()).isEqualTo(418);
    assertThat(reply.body()).isEqualTo("short and stout");
  }

  @Test
  void aResetMidResponseCutsTheClientConnectionInsteadOfATruncated200() {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (String path : new String[] {"/compute/fixed-length", "/compute/chunked"}) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url(path))).build();

      assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofByteArray()))
          .as(path).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aStalePooledConnectionIsRetriedForIdempotentRequestsOnly() {
    int before = truncating.requests.get();

    // The server closes each connection right after a complete response: the pooled
    // connection is stale when the next request takes it.
    Http.Reply first = http.get(url("/compute/close-after"), Map.of());
    Http.Reply second = http.get(url("/compute/close-after"), Map.of());

    assertThat(first.status()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(200);
    assertThat(truncating.requests.get() - before).isEqualTo(2);
  }

  /**
   * A raw socket server: /fixed-length and /chunked send part of a body then reset the connection;
   * /close-after answers fully, advertises keep-alive, then closes the socket.
   */
  static final class TruncatingServer implements AutoCloseable {
    final AtomicInteger requests = new AtomicInteger();
    private final RawUpstream server = new RawUpstream("truncating-upstream", this::answer);

    TruncatingServer() throws IOException {}

    int port() {
      return server.port();
    }

    private void answer(String head, Socket client) throws IOException {
      requests.incrementAndGet();
      OutputStream out = client.getOutputStream();
      if (head.contains("/close-after")) {
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return; // closing the socket: the proxy's pooled connection goes stale
      }
      String framing = head.contains("/chunked") ? "Transfer-Encoding: chunked\r\n\r\n400\r\n" : "Content-Length: 100000\r\n\r\n";
      out.write(("HTTP/1.1 200 OK\r\n" + framing).getBytes(StandardCharsets.ISO_8859_1));
      out.write(new byte[512]);
      out.flush();
      client.setSoLinger(true, 0); // close with RST
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
