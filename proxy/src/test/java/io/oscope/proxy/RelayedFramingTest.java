package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What crosses the proxy from an upstream that frames its responses loosely or wrongly: the client
 * gets framing the proxy wrote, one {@code Content-Length}, a 502 for what cannot be relayed, and a
 * connection whose upstream announced bytes it did not send is not lent to the next client. The
 * upstream is a keep-alive raw socket that answers as scripted.
 */
class RelayedFramingTest {
  private static final Map<String, String> ANSWERS = Map.of(
      "/compute/loose-chunks", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nContent-Type: text/plain\n\n"
          + "005;a=\"b\"\nhello\n7 \n, world\n0\nX-Sum: abc\nContent-Length: 99\nSet-Cookie: s=1\n\n",
      "/compute/length-list", "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\ncontent-length: 2\r\n\r\nok",
      "/compute/odd-status", "HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n",
      "/compute/no-content", "HTTP/1.1 204 No Content\r\nContent-Length: 37\r\n\r\n");
  /** What an upstream connection that answered the 204 above answers next: the "body" it announced. */
  private static final String SMUGGLED = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled";
  private static final String FRESH = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh";

  private static ServerSocket upstream;
  private static final AtomicInteger requests = new AtomicInteger();
  private static ScopeProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(RelayedFramingTest::accept, "keep-alive-upstream");
    acceptor.setDaemon(true);
    acceptor.start();
    int port = FreePorts.next();
    RouteTable table = SoloRoutes.table("compute", "compute", port, upstream.getLocalPort());
    proxy = ScopeProxy.start(table, ProxySettings.of("Solo", TwoClouds.loopback(port)));
  }

  @AfterAll
  static void stop() throws IOException {
    proxy.close();
    upstream.close();
  }

  private static void accept() {
    while (!upstream.isClosed()) {
      try {
        Socket connection = upstream.accept();
        Thread serving = new Thread(() -> serve(connection), "keep-alive-upstream-connection");
        serving.setDaemon(true);
        serving.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Answers requests on one connection until it closes; health checks send nothing and are closed. */
  private static void serve(Socket connection) {
    try (connection) {
      boolean announcedBody = false;
      OutputStream out = connection.getOutputStream();
      for (String head = RawHttp.readHead(connection.getInputStream()); !head.isEmpty();
          head = RawHttp.readHead(connection.getInputStream())) {
        requests.incrementAndGet();
        String path = head.split(" ", 3)[1];
        String answer = announcedBody ? SMUGGLED : ANSWERS.getOrDefault(path, FRESH);
        announcedBody = path.equals("/compute/no-content");
        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException e) {
      // the proxy closed the connection
    }
  }

  private static String get(String path) {
    return RawHttp.get(proxy.address().getPort(), path, "HTTP/1.1");
  }

  @Test
  void looseChunkFramingReachesTheClientAsTheProxyWritesIt() {
    String response = get("/compute/loose-chunks");
    assertThat(RawHttp.head(response)).startsWith("http/1.1 200 ok\r\n").contains("content-type: text/plain\r\n")
        .contains("transfer-encoding: chunked\r\n").doesNotContain("content-length");
    assertThat(RawHttp.body(response)).isEqualTo("5\r\nhello\r\n7\r\n, world\r\n0\r\nX-Sum: abc\r\n\r\n");
  }

  @Test
  void aLengthListOrRepeatReachesTheClientAsOneLength() {
    String response = get("/compute/length-list");
    assertThat(RawHttp.head(response)).contains("content-length: 2\r\n");
    assertThat(RawHttp.head(response).split("content-length", -1)).as("one Content-Length").hasSize(2);
    assertThat(RawHttp.body(response)).isEqualTo("ok");
  }

  @Test
  void aStatusOutsideOneHundredToFiveHundredNinetyNineIsA502() {
    String response = get("/compute/odd-status");
    assertThat(RawHttp.head(response)).startsWith("http/1.1 502 bad gateway\r\n");
    assertThat(RawHttp.body(response)).contains("a status code outside 100 to 599");
  }

  @Test
  void aNoContentThatAnnouncesABodyLosesItsLengthAndItsConnection() {
    // Two requests on one client connection: the second goes to the upstream connection the first
    // left idle (the pool is the event loop's, last in first out), which would answer it with the
    // body the 204 announced.
    String host = "Host: 127.0.0.1:" + proxy.address().getPort() + "\r\n";
    String both = RawHttp.exchange(proxy.address().getPort(), "GET /compute/no-content HTTP/1.1\r\n" + host + "\r\n"
        + "GET /compute/next HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
    int second = both.indexOf("HTTP/1.1", 1);
    assertThat(second).as("two responses").isPositive();
    String noContent = both.substring(0, second);
    assertThat(RawHttp.head(noContent)).startsWith("http/1.1 204 no content\r\n").doesNotContain("content-length");
    assertThat(RawHttp.body(noContent)).isEmpty();
    assertThat(RawHttp.body(both.substring(second))).isEqualTo("fresh");
  }

  @Test
  void aTargetWithUserinfoIsRefusedWithoutBeingQuotedAndReachesNoUpstream() {
    int before = requests.get();
    String response = RawHttp.exchange(proxy.address().getPort(), "GET http://alice:secret@127.0.0.1:"
        + proxy.address().getPort() + "/compute/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assertThat(RawHttp.head(response)).startsWith("http/1.1 400 bad request\r\n");
    assertThat(response).contains("userinfo in the request target").doesNotContain("secret").doesNotContain("alice");
    String noHost = RawHttp.exchange(proxy.address().getPort(), "GET /compute/x HTTP/1.1\r\nConnection: close\r\n\r\n");
    assertThat(RawHttp.head(noHost)).startsWith("http/1.1 400 bad request\r\n");
    assertThat(noHost).contains("an HTTP/1.1 request without Host");
    assertThat(requests.get()).isEqualTo(before);
  }

  @Test
  void theAccessLogKeepsNeitherTheUserinfoNorTheQueryOfAnAbsoluteTarget() throws Exception {
    int port = proxy.address().getPort();
    String authority = "127.0.0.1:" + port;
    List<String> lines;
    try (AccessLines access = new AccessLines()) {
      RawHttp.exchange(port, "GET http://alice:secret@" + authority + "/compute/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      // A '/' in the password ends the authority early: "alice:se" is no host[:port] either.
      RawHttp.exchange(port, "GET http://alice:se/cret@" + authority + "/compute/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      String relayed = RawHttp.exchange(port, "GET http://" + authority + "/compute/x?token=QUERY-SECRET HTTP/1.1\r\n"
          + "Host: " + authority + "\r\nConnection: close\r\n\r\n");
      assertThat(RawHttp.head(relayed)).startsWith("http/1.1 200 ok\r\n");
      // A line of an earlier test's exchange may still come in: this test's are waited for by what they say.
      access.awaitContaining(" GET compute Solo 200 ");
      lines = access.awaitMatching(line -> line.contains(" 400 ") || line.contains("/compute/x"), 3);
    }
    assertThat(lines).noneMatch(line -> line.contains("alice") || line.contains("secret") || line.contains("cret")
        || line.contains("SECRET") || line.contains("/compute/x?"));
    assertThat(lines).anyMatch(line -> line.contains(" GET compute Solo 200 ") && line.contains(" http://" + authority
        + "/compute/x -> "));
  }
}
