package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.oscope.testing.FreePorts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tracing --otlp-endpoint} as an operator runs it: a proxy in its own JVM sends its
 * spans by OTLP/HTTP to a receiver on loopback that records what is posted. The spans are batched;
 * stopping the proxy (SIGTERM) exports what is left, so they arrive by the time it has exited.
 */
class OtlpExportTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private final BlockingQueue<Post> posts = new LinkedBlockingQueue<>();
  private HttpServer receiver;

  @TempDir
  Path dir;

  private record Post(String method, String path, String contentType, byte[] body) {}

  @AfterEach
  void stop() {
    if (receiver != null) receiver.stop(0);
  }

  @Test
  void spansReachTheOtlpEndpointByTheTimeTheProxyHasStopped() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      posts.add(new Post(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders().getFirst("Content-Type"), body));
      exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse: all accepted
      exchange.close();
    });
    receiver.start();
    try (RawUpstream upstream = new RawUpstream("service", (head, client) -> client.getOutputStream().write(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII)))) {
      int port = FreePorts.next();
      Path routes = dir.resolve("services.json");
      Files.writeString(routes, String.format("{\"services\": [{\"Service Type\": \"image\", \"Interface\": \"public\","
          + " \"URL\": \"127.0.0.1:%d/image\", \"Region\": \"Solo\", \"Frontend\": \"127.0.0.1:%d\","
          + " \"Backend\": \"127.0.0.1:%d\"}]}", port, port, upstream.port()));
      try (ProxyProcess proxy = ProxyProcess.start(List.of("-Xmx64m"), "proxy", "--services", routes.toString(),
          "--cloud", "Solo", "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:0", "--no-watch",
          "--health-interval", "60m", "--tracing",
          "--otlp-endpoint", "http://127.0.0.1:" + receiver.getAddress().getPort())) {
        // The last start line: the signal handlers are in place once it is logged.
        proxy.awaitLine("admin listener on");
        String response = RawHttp.exchange(port, "GET /image/v2/images?marker=QUERY-SECRET HTTP/1.1\r\n"
            + "Host: 127.0.0.1:" + port + "\r\nX-Auth-Token: TOKEN-SECRET\r\ntraceparent: 00-" + TRACE_ID
            + "-00f067aa0ba902b7-01\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200");
        proxy.signal("TERM");
        assertThat(proxy.waitFor(Duration.ofSeconds(30))).isZero();
        proxy.allLines();
      }
    }

    List<Post> received = new ArrayList<>(posts);
    assertThat(received).as("POSTs by the time the proxy has stopped").isNotEmpty().allSatisfy(post -> {
      assertThat(post.method()).isEqualTo("POST");
      assertThat(post.path()).as("/v1/traces added to an endpoint without a path").isEqualTo("/v1/traces");
      assertThat(post.contentType()).isEqualTo("application/x-protobuf");
    });
    StringBuilder bodies = new StringBuilder();
    received.forEach(post -> bodies.append(new String(post.body(), StandardCharsets.ISO_8859_1)));
    String body = bodies.toString();
    // Protobuf keeps IDs as raw bytes and strings as they are: both spans of the request are there.
    String traceId = new String(HexFormat.of().parseHex(TRACE_ID), StandardCharsets.ISO_8859_1);
    assertThat(body.split(java.util.regex.Pattern.quote(traceId), -1)).as("the trace ID, in both spans").hasSize(3);
    assertThat(body).contains("GET image").contains("/image/v2/images").contains("oscope-Solo")
        .doesNotContain("SECRET");
  }
}
