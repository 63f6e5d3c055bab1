package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the proxy does with upstream answers that are not what they should be: invalid ones are
 * never asked for twice, bytes after a response never reach another request, interim answers do
 * not hold a request past the response timeout, and an address's connections are capped.
 */
class UpstreamAnswersTest {
  private static final byte[] NO_CONTENT = ascii("HTTP/1.1 204 No Content\r\n\r\n");
  private static final byte[] STRAY = ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray");
  private ConcurrentUpstream backend;
  private ScopeProxy proxy;

  @AfterEach
  void stop() throws IOException {
    if (proxy != null) proxy.close();
    if (backend != null) backend.close();
  }

  private void startProxy(ProxySettings settings, Ticker ticker) throws Exception {
    String routes = """
        {"services": [{"Service Type": "image", "Interface": "public", "URL": "127.0.0.1:%1$d/image", "Region": "Solo",
          "Frontend": "127.0.0.1:%1$d", "Backend": "127.0.0.1:%2$d"}]}""".formatted(settings.listen().port(), backend.port());
    RouteTable table = RouteTable.compile("answers", RouteFile.parse("answers", routes.getBytes(StandardCharsets.UTF_8)), "Solo");
    proxy = ScopeProxy.start(table, settings, ticker);
  }

  private static ProxySettings settings() {
    return ProxySettings.of("Solo", TwoClouds.loopback(FreePorts.next()));
  }

  private String request(String method, String path) {
    return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.address().getPort() + "\r\n\r\n";
  }

  @ParameterizedTest(name = "{0} answered with {1}")
  @CsvSource({
      "GET, a bad status line", "DELETE, a bad status line",
      "GET, a head over 64 KiB", "DELETE, a head over 64 KiB",
      "GET, an HTTP/2 status", "DELETE, an HTTP/2 status"})
  void anInvalidAnswerIsA502AndTheRequestIsNotSentAgain(String method, String answer) throws Exception {
    byte[] invalid = switch (answer) {
      case "a bad status line" -> ascii("HTTP/1.1 two hundred OK\r\nContent-Length: 0\r\n\r\n");
      case "a head over 64 KiB" -> ascii("HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(70 * 1024) + "\r\nContent-Length: 0\r\n\r\n");
      default -> ascii("HTTP/2 200\r\nContent-Length: 0\r\n\r\n");
    };
    backend = new ConcurrentUpstream((head, connection, out) -> {
      out.write(invalid);
      return false;
    });
    startProxy(settings(), Ticker.systemTicker());

    String response = RawHttp.exchange(proxy.address().getPort(), request(method, "/image/v2/images/1")
        .replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));

    assertThat(response).startsWith("HTTP/1.1 502 ").contains("invalid response");
    assertThat(backend.requestsFor("/image/v2/images/1")).as("requests the backend received").isEqualTo(1);
  }

  /**
   * The backend answers /a with a 204 and owes a stray response it sends when the next request
   * arrives anywhere: if the proxy lent /a's connection to /b, /b would get the stray bytes.
   * Pipelined on one client connection, /b starts the moment /a's response ends, on the same
   * event loop: the race of a pooled connection lent while bytes are in flight, every time.
   */
  @Test
  void bytesAfterAResponseNeverReachTheNextRequest() throws Exception {
    AtomicReference<OutputStream> owesStray = new AtomicReference<>();
    backend = new ConcurrentUpstream((head, connection, out) -> {
      if (head.startsWith("GET /image/a ")) {
        out.write(NO_CONTENT);
        out.flush();
        owesStray.set(out);
        return true;
      }
      OutputStream stray = owesStray.getAndSet(null);
      if (stray != null) {
        stray.write(STRAY);
        stray.flush();
        if (stray == out) return true; // the stray bytes are all this request gets
      }
      String path = head.substring(head.indexOf("/image/") + 7, head.indexOf(" HTTP/"));
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + path.length() + "\r\n\r\n" + path));
      return true;
    });
    startProxy(settings(), Ticker.systemTicker());

    String pipelined = RawHttp.exchange(proxy.address().getPort(),
        request("GET", "/image/a") + request("GET", "/image/b").replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));
    String after = RawHttp.exchange(proxy.address().getPort(),
        request("GET", "/image/c").replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));

    assertThat(pipelined).startsWith("HTTP/1.1 204 ").endsWith("\r\n\r\nb").doesNotContain("stray");
    assertThat(after).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nc");
    assertThat(backend.requestsFor("/image/a")).isEqualTo(1);
    assertThat(backend.requestsFor("/image/b")).isEqualTo(1);
    assertThat(backend.received.stream().filter(r -> r.connection() == 1).count())
        .as("requests on the connection that answered /a").isEqualTo(1);
  }

  /**
   * A backend that sends {@code 102 Processing} while the test moves the proxy's clock past the
   * response timeout: the 504 comes anyway, from the request's end, not from the last 102.
   */
  @Test
  void interimAnswersDoNotHoldARequestPastTheResponseTimeout() throws Exception {
    CountDownLatch received = new CountDownLatch(1);
    CountDownLatch clockMoved = new CountDownLatch(1);
    backend = new ConcurrentUpstream((head, connection, out) -> {
      received.countDown();
      try {
        assertThat(clockMoved.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (int i = 0; i < 3; i++) {
        out.write(ascii("HTTP/1.1 102 Processing\r\n\r\n"));
        out.flush();
      }
      return true; // and no final answer
    });
    MockTicker ticker = Ticker.newMockTicker();
    Duration timeout = Duration.ofMillis(300);
    startProxy(settings().toBuilder().connectTimeout(Duration.ofSeconds(2)).responseTimeout(timeout).build(), ticker);

    try (Socket client = new Socket("127.0.0.1", proxy.address().getPort())) {
      client.setSoTimeout(10_000);
      client.getOutputStream().write(ascii(request("GET", "/image/processing")));
      assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();
      ticker.advance(timeout.toNanos() * 10, TimeUnit.NANOSECONDS);
      clockMoved.countDown();

      String response = readResponse(client.getInputStream());

      assertThat(response).startsWith("HTTP/1.1 504 ").contains("did not answer within 300 ms");
    }
  }

  @Test
  void requestsBeyondTheConnectionLimitGetA503AtOnce() throws Exception {
    CountDownLatch slowArrived = new CountDownLatch(1);
    CountDownLatch answerSlow = new CountDownLatch(1);
    backend = new ConcurrentUpstream((head, connection, out) -> {
      if (head.contains("/slow")) {
        slowArrived.countDown();
        try {
          assertThat(answerSlow.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
      return true;
    });
    startProxy(settings().toBuilder().maxUpstreamConnections(1).build(), Ticker.systemTicker());

    try (Socket slow = new Socket("127.0.0.1", proxy.address().getPort())) {
      slow.setSoTimeout(10_000);
      slow.getOutputStream().write(ascii(request("GET", "/image/slow")));
      assertThat(slowArrived.await(10, TimeUnit.SECONDS)).isTrue();

      String refused = RawHttp.exchange(proxy.address().getPort(),
          request("GET", "/image/other").replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));
      answerSlow.countDown();
      String answered = readResponse(slow.getInputStream());
      String later = RawHttp.exchange(proxy.address().getPort(),
          request("GET", "/image/later").replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));

      assertThat(refused).startsWith("HTTP/1.1 503 ")
          .containsPattern("Upstream Solo image backend 127\\.0\\.0\\.1:\\d+ is at its limit of 1 connections in use");
      assertThat(backend.requestsFor("/image/other")).isZero();
      assertThat(answered).startsWith("HTTP/1.1 200 ").endsWith("ok");
      assertThat(later).as("the connection counts no more once answered").startsWith("HTTP/1.1 200 ");
    }
  }

  /** One response with a Content-Length, read from {@code in}. */
  private static String readResponse(InputStream in) throws IOException {
    String head = RawHttp.readHead(in);
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
    }
    return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
