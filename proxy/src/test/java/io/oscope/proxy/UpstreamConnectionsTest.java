package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.oscope.pool.Member;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the proxy uses connections: upstream ones kept for the next request and dropped when the
 * client goes; idle client ones closed, but not while they wait for an answer.
 */
class UpstreamConnectionsTest {
  private KeepAliveServer backend;
  private ScopeProxy proxy;
  private final MockTicker ticker = Ticker.newMockTicker();

  @BeforeEach
  void start() throws Exception {
    backend = new KeepAliveServer();
  }

  private void startProxy(Duration idleTimeout) throws Exception {
    int port = FreePorts.next();
    RouteTable table = SoloRoutes.table("image", "image", port, backend.port());
    ProxySettings defaults = ProxySettings.of("Solo", TwoClouds.loopback(port));
    proxy = ScopeProxy.start(table, defaults.toBuilder().maxIdle(idleTimeout).build(), ticker);
  }

  @AfterEach
  void stop() throws IOException {
    if (proxy != null) proxy.close();
    backend.close();
  }

  @Test
  void sequentialRequestsShareOneUpstreamConnection() throws Exception {
    startProxy(Duration.ofSeconds(30));
    Http http = Http.direct();
    for (int i = 0; i < 20; i++) {
      assertThat(http.get("http://127.0.0.1:" + proxy.address().getPort() + "/image/v2/images/" + i, Map.of()).body())
          .isEqualTo("ok");
    }

    assertThat(backend.requests.get()).isEqualTo(20);
    assertThat(backend.connectionsWithRequests.get()).isEqualTo(1);
  }

  @Test
  void aClientThatGoesAwayMidDownloadClosesTheUpstreamConnection() throws Exception {
    startProxy(Duration.ofSeconds(30));
    try (Socket client = new Socket("127.0.0.1", proxy.address().getPort())) {
      client.getOutputStream().write(("GET /image/stream HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.address().getPort()
          + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = client.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      long read = 0;
      while (read < 1024 * 1024) read += in.read(buffer);
      assertThat(backend.streamAborted.getCount()).as("the backend is still streaming").isEqualTo(1);
    }

    // The backend's next writes fail: the proxy closed its side rather than pool a busy connection.
    assertThat(backend.streamAborted.await(20, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 100 && outstanding() > 0; i++) Thread.sleep(50);
    assertThat(outstanding()).as("requests outstanding at the backend, for the balancer").isZero();
  }

  @Test
  void anIdleKeepAliveClientIsClosedButOneWaitingForASlowAnswerIsNot() throws Exception {
    startProxy(Duration.ofSeconds(1));
    try (Socket client = new Socket("127.0.0.1", proxy.address().getPort())) {
      client.setSoTimeout(10_000);
      client.getOutputStream().write(("GET /image/slow HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.address().getPort()
          + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = client.getInputStream();
      assertThat(backend.slowArrived.await(10, TimeUnit.SECONDS)).isTrue();
      proxy.checkDeadlines(); // a barrier: the proxy is done with the request

      // Silence on the client connection, over the 1 s idle limit, while the answer is awaited.
      ticker.advance(5, TimeUnit.SECONDS);
      proxy.checkDeadlines();
      backend.slowAnswer.countDown();
      String head = RawHttp.readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200 OK");
      assertThat(new String(in.readNBytes(2), StandardCharsets.ISO_8859_1)).isEqualTo("ok");

      // Then the connection idles between requests: the proxy closes it (end of stream, where a
      // connection left open would make the read time out after 10 s).
      proxy.checkDeadlines(); // a barrier: the proxy is done with the response
      ticker.advance(2, TimeUnit.SECONDS);
      proxy.checkDeadlines();
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  private int outstanding() {
    return proxy.balancer().members().stream().mapToInt(Member::outstanding).sum();
  }

  /**
   * A keep-alive HTTP/1.1 server on raw sockets: answers {@code ok} ({@code /slow} when the test says),
   * except {@code /stream}, an endless body of 64 KiB writes (its Content-Length says 1 GiB), until a write fails.
   */
  static final class KeepAliveServer implements AutoCloseable {
    final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    /** Connections that carried a request (the health checker's probes connect and say nothing). */
    final AtomicInteger connectionsWithRequests = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final CountDownLatch streamAborted = new CountDownLatch(1);
    final CountDownLatch slowArrived = new CountDownLatch(1);
    /** Counted down by the test: {@code /slow} is answered then. */
    final CountDownLatch slowAnswer = new CountDownLatch(1);

    KeepAliveServer() throws IOException {
      Thread acceptor = new Thread(this::accept, "keep-alive-upstream");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket client = socket.accept();
          Thread serving = new Thread(() -> serve(client), "keep-alive-connection");
          serving.setDaemon(true);
          serving.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket client) {
      try (client) {
        OutputStream out = client.getOutputStream();
        boolean first = true;
        InputStream in = client.getInputStream();
        for (String head = RawHttp.readHead(in); head.endsWith("\r\n\r\n"); head = RawHttp.readHead(in)) {
          requests.incrementAndGet();
          if (first) connectionsWithRequests.incrementAndGet();
          first = false;
          if (head.startsWith("GET /image/slow ")) {
            slowArrived.countDown();
            try {
              if (!slowAnswer.await(30, TimeUnit.SECONDS)) return;
            } catch (InterruptedException e) {
              return;
            }
          }
          if (head.startsWith("GET /image/stream ")) {
            stream(out);
            return;
          }
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
      } catch (IOException e) {
        // the proxy closed the connection
      }
    }

    private void stream(OutputStream out) {
      try {
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < 16 * 1024; i++) {
          out.write(chunk);
          out.flush();
        }
      } catch (IOException e) {
        streamAborted.countDown();
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
