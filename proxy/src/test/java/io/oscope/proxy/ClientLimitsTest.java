package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What one client may hold of the proxy, against real sockets: nothing is processed after a
 * response that closes the connection, a head or a body that does not arrive in time gets a 408
 * (time moved by a mock clock, never waited for), and at the connection limit accepting pauses.
 * The backend records every request it receives.
 */
class ClientLimitsTest {
  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

  private final List<String> received = new CopyOnWriteArrayList<>();
  private final MockTicker ticker = Ticker.newMockTicker();
  private RawUpstream backend;
  private ScopeProxy proxy;
  private int port;

  private void start(RawUpstream.Answer answer, UnaryOperator<ProxySettings.Builder> tune) throws Exception {
    backend = new RawUpstream("limits-backend", answer);
    port = FreePorts.next();
    RouteTable table = SoloRoutes.table("image", "image", port, backend.port());
    ProxySettings settings = tune.apply(ProxySettings.of("Solo", TwoClouds.loopback(port)).toBuilder()).build();
    proxy = ScopeProxy.start(table, settings, ticker);
  }

  private void startRecording(UnaryOperator<ProxySettings.Builder> tune) throws Exception {
    start((head, client) -> {
      received.add(head.substring(0, head.indexOf('\r')));
      client.getOutputStream().write(OK.getBytes(StandardCharsets.ISO_8859_1));
    }, tune);
  }

  @AfterEach
  void stop() throws IOException {
    if (proxy != null) proxy.close();
    if (backend != null) backend.close();
  }

  /** RFC 9112 section 9.6: after a response with Connection: close, what the client sent next is not processed. */
  @Test
  void requestsPipelinedAfterAClosingErrorNeverReachTheBackend() throws Exception {
    startRecording(settings -> settings);
    String host = "Host: 127.0.0.1:" + port + "\r\n";
    List<String> closingErrors = List.of(
        "POST http://192.0.2.1:1/ HTTP/1.1\r\n" + host + "Content-Length: 3\r\n\r\nabc", // 403, a body follows
        "GET /image/x HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET /image/x HTTP/1.1\r\n" + host + "Via: 1.1 oscope-Solo\r\nConnection: close\r\n\r\n", // 508
        "GET /nothing-here HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n"); // 404
    for (String first : closingErrors) {
      String answers = RawHttp.exchange(port, first + "DELETE /image/v2/images/victim HTTP/1.1\r\n" + host + "\r\n");
      assertThat(answers).as("answers to %s", first).matches("(?s)HTTP/1\\.1 (400|403|404|508) .*")
          .contains("connection: close").doesNotContain("HTTP/1.1 200");
    }
    // The barrier: a marked request on a new connection; whatever arrived before it is recorded by then.
    assertThat(RawHttp.exchange(port, "GET /image/marker HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200");
    assertThat(received).containsExactly("GET /image/marker HTTP/1.1");
  }

  @Test
  void aHeadThatDoesNotArriveWholeInTimeIsAnswered408() throws Exception {
    startRecording(settings -> settings.clients(new ProxySettings.ClientLimits(Duration.ofSeconds(10),
        Duration.ofSeconds(60), 100, 1 << 20)));
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(10_000);
      // A whole request, then the start of the next one in the same write: once the first is
      // answered, the proxy has read the start of the second.
      write(client, "GET /image/first HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\nGET /image/slow HTTP/1.1\r\nHo");
      assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 200");
      proxy.checkDeadlines(); // runs after the proxy is done with the first request: a barrier

      ticker.advance(9, TimeUnit.SECONDS);
      proxy.checkDeadlines();
      assertThat(client.getInputStream().available()).as("nothing before the head timeout").isZero();

      ticker.advance(2, TimeUnit.SECONDS);
      proxy.checkDeadlines();
      String answer = readAll(client.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout").contains("connection: close")
          .contains("The client did not send the request head within 10000 ms");
    }
    assertThat(received).containsExactly("GET /image/first HTTP/1.1");
  }

  @Test
  void aStalledRequestBodyIsAnswered408AndItsBackendConnectionDropped() throws Exception {
    CountDownLatch bodyStarted = new CountDownLatch(1);
    CountDownLatch backendClosed = new CountDownLatch(1);
    start((head, client) -> {
      InputStream in = client.getInputStream();
      for (int i = 0; i < 3; i++) in.read();
      bodyStarted.countDown();
      while (in.read() >= 0) { } // until the proxy drops the connection
      backendClosed.countDown();
    }, settings -> settings.clients(new ProxySettings.ClientLimits(Duration.ofSeconds(10), Duration.ofSeconds(60), 100,
        1 << 20)));
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(10_000);
      write(client, "PUT /image/v2/images/1/file HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nContent-Length: 10\r\n\r\nabc");
      assertThat(bodyStarted.await(10, TimeUnit.SECONDS)).isTrue();
      proxy.checkDeadlines(); // a barrier: the proxy is done with what it read

      ticker.advance(59, TimeUnit.SECONDS);
      proxy.checkDeadlines();
      assertThat(client.getInputStream().available()).as("nothing before the body timeout").isZero();

      ticker.advance(2, TimeUnit.SECONDS);
      proxy.checkDeadlines();
      assertThat(readAll(client.getInputStream())).startsWith("HTTP/1.1 408 Request Timeout")
          .contains("The client did not send the request body within 60000 ms");
    }
    assertThat(backendClosed.await(10, TimeUnit.SECONDS)).as("the backend's connection is dropped").isTrue();
  }

  @Test
  void aBodyPromisedWithExpectContinueThatNeverComesIsAnswered408() throws Exception {
    CountDownLatch headArrived = new CountDownLatch(1);
    start((head, client) -> {
      headArrived.countDown();
      while (client.getInputStream().read() >= 0) { } // until the proxy drops the connection
    }, settings -> settings);
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(10_000);
      write(client, "PUT /image/v2/images/1/file HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n");
      assertThat(RawHttp.readHead(client.getInputStream())).startsWith("HTTP/1.1 100 Continue");
      assertThat(headArrived.await(10, TimeUnit.SECONDS)).isTrue();
      proxy.checkDeadlines(); // a barrier

      ticker.advance(61, TimeUnit.SECONDS);
      proxy.checkDeadlines();
      assertThat(readAll(client.getInputStream())).startsWith("HTTP/1.1 408 Request Timeout");
    }
  }

  @Test
  void atTheConnectionLimitAcceptingPausesUntilAConnectionCloses() throws Exception {
    startRecording(settings -> settings.clients(new ProxySettings.ClientLimits(Duration.ofSeconds(10),
        Duration.ofSeconds(60), 2, 1 << 20)));
    String request = "GET /image/third HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n";
    try (Socket first = new Socket("127.0.0.1", port); Socket second = new Socket("127.0.0.1", port);
        Socket third = new Socket("127.0.0.1", port)) {
      third.setSoTimeout(10_000);
      // The first two are served as usual: the proxy accepted them.
      for (Socket open : List.of(first, second)) {
        open.setSoTimeout(10_000);
        write(open, "GET /image/open HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n");
        assertThat(readResponse(open.getInputStream())).startsWith("HTTP/1.1 200");
      }
      write(third, request);
      first.close();
      assertThat(readAll(third.getInputStream())).as("served once a connection closed").startsWith("HTTP/1.1 200");
    }
  }

  private static void write(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** One response whose body has a Content-Length: its head and body. */
  private static String readResponse(InputStream in) throws IOException {
    String head = RawHttp.readHead(in);
    int at = head.toLowerCase().indexOf("content-length: ");
    int length = Integer.parseInt(head.substring(at + 16, head.indexOf('\r', at)).strip());
    return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
