package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the proxy frames for its client the bodies an upstream delimits in each way HTTP/1.x allows,
 * for HTTP/1.1 and HTTP/1.0 clients: the upstream is a raw socket that answers as scripted.
 */
class ResponseFramingTest {
  private static final Map<String, String> ANSWERS = Map.of(
      "/compute/chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Hop: secret\r\nConnection: X-Hop\r\n"
          + "Content-Type: text/plain\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n",
      "/compute/until-close", "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
      "/compute/not-http", "SSH-2.0-OpenSSH_9.2\r\n\r\n",
      "/compute/head", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
  private static RawUpstream upstream;
  private static ScopeProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    upstream = new RawUpstream("scripted-upstream", (head, client) -> {
      String path = head.split(" ", 3)[1];
      client.getOutputStream().write(ANSWERS.getOrDefault(path, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
    });
    int port = FreePorts.next();
    RouteTable table = SoloRoutes.table("compute", "compute", port, upstream.port());
    proxy = ScopeProxy.start(table, ProxySettings.of("Solo", TwoClouds.loopback(port)));
  }

  @AfterAll
  static void stop() throws IOException {
    proxy.close();
    upstream.close();
  }

  private static String get(String path, String version) {
    return RawHttp.get(proxy.address().getPort(), path, version);
  }

  @Test
  void aChunkedBodyGoesFramedByTheProxyToAnHttp11ClientAndAsItsPayloadToAnHttp10One() {
    String chunked = get("/compute/chunked", "HTTP/1.1");
    assertThat(RawHttp.head(chunked)).startsWith("http/1.1 200 ok\r\n").contains("transfer-encoding: chunked\r\n")
        .contains("content-type: text/plain\r\n").contains("via: 1.1 oscope-solo\r\n").doesNotContain("x-hop");
    assertThat(RawHttp.body(chunked)).isEqualTo("5\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");

    String plain = get("/compute/chunked", "HTTP/1.0");
    assertThat(RawHttp.head(plain)).startsWith("http/1.1 200 ok\r\n").contains("connection: close\r\n")
        .doesNotContain("transfer-encoding").doesNotContain("content-length");
    assertThat(RawHttp.body(plain)).isEqualTo("hello, world");
  }

  @Test
  void aBodyThatRunsUntilTheUpstreamClosesIsChunkedForAnHttp11Client() {
    String chunked = get("/compute/until-close", "HTTP/1.1");
    assertThat(RawHttp.head(chunked)).startsWith("http/1.1 200 ok\r\n").contains("transfer-encoding: chunked\r\n");
    assertThat(RawHttp.body(chunked)).endsWith("\r\n0\r\n\r\n");
    assertThat(dechunk(RawHttp.body(chunked))).isEqualTo("until the end");

    String plain = get("/compute/until-close", "HTTP/1.0");
    assertThat(RawHttp.head(plain)).contains("connection: close\r\n").doesNotContain("transfer-encoding");
    assertThat(RawHttp.body(plain)).isEqualTo("until the end");
  }

  @Test
  void theAnswerToAHeadHasNoBodyWhateverItsLengthSays() {
    String response = RawHttp.exchange(proxy.address().getPort(), "HEAD /compute/head HTTP/1.1\r\nHost: 127.0.0.1:"
        + proxy.address().getPort() + "\r\nConnection: close\r\n\r\n");
    assertThat(RawHttp.head(response)).contains("content-length: 1000\r\n");
    assertThat(RawHttp.body(response)).isEmpty();
  }

  @Test
  void anUpstreamThatDoesNotSpeakHttpIsA502() {
    String response = get("/compute/not-http", "HTTP/1.1");
    assertThat(RawHttp.head(response)).startsWith("http/1.1 502 bad gateway\r\n").contains("content-type: application/json");
    assertThat(RawHttp.body(response)).contains("\"code\":502").contains("invalid response: not an HTTP/1.x status line");
  }

  /** The payload of a chunked body, extensions and trailers aside. */
  private static String dechunk(String body) {
    StringBuilder payload = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = body.indexOf("\r\n", at);
      int size = Integer.parseInt(body.substring(at, lineEnd).replaceAll(";.*", ""), 16);
      if (size == 0) return payload.toString();
      payload.append(body, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }
}
