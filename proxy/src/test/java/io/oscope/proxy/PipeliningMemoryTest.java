package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.testing.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The pipelining attack of issue 14, at the launcher's default heap: 40 connections each with a
 * slow request in flight and 70 more pipelined behind it, with ~60 KB of headers each. The
 * proxy must go on serving other clients throughout, and survive (it runs with
 * -XX:+ExitOnOutOfMemoryError, as it is launched, so an OutOfMemoryError ends it).
 */
class PipeliningMemoryTest {
  private static final int CONNECTIONS = 40;
  private static final int PIPELINED = 70;

  @Test
  void pipelinedHeadsDoNotExhaustTheHeap(@TempDir Path dir) throws Exception {
    CompletableFuture<String> release = new CompletableFuture<>();
    CountDownLatch slowArrived = new CountDownLatch(CONNECTIONS);
    DisposableServer backend = HttpServer.create().host("127.0.0.1").port(0)
        .handle((request, response) -> {
          if (!request.uri().endsWith("/slow")) return response.sendString(Mono.just("fast"));
          slowArrived.countDown();
          return response.sendString(Mono.fromFuture(release)); // without blocking the backend's event loops
        })
        .bindNow();
    int port = FreePorts.next();
    Path routes = dir.resolve("services.json");
    Files.writeString(routes, String.format("{\"services\": [{\"Service Type\": \"image\", \"Interface\": \"public\","
        + " \"URL\": \"127.0.0.1:%d/image\", \"Region\": \"Solo\", \"Frontend\": \"127.0.0.1:%d\", \"Backend\": \"127.0.0.1:%d\"}]}",
        port, port, backend.port()));
    List<Socket> attackers = new ArrayList<>();
    List<Thread> writers = new ArrayList<>();
    // bin/oscope's default JAVA_OPTS, and the flag every launcher sets.
    try (ProxyProcess proxy = ProxyProcess.start(List.of("-Xms64m", "-Xmx128m", "-XX:ReservedCodeCacheSize=64m",
        "-Xss512k", "-XX:+ExitOnOutOfMemoryError"), "proxy", "--services", routes.toString(), "--cloud", "Solo",
        "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:0", "--access-log", "OFF")) {
      proxy.awaitLine("proxy listening on");
      proxy.drain();
      String host = "Host: 127.0.0.1:" + port + "\r\n";
      byte[] slow = ("GET /image/slow HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      byte[] padded = ("GET /image/pipelined HTTP/1.1\r\n" + host + "X-Pad: " + "p".repeat(60_000) + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
      for (int i = 0; i < CONNECTIONS; i++) {
        Socket socket = new Socket("127.0.0.1", port);
        attackers.add(socket);
        Thread writer = new Thread(() -> {
          try {
            OutputStream out = socket.getOutputStream();
            out.write(slow);
            for (int n = 0; n < PIPELINED; n++) out.write(padded); // blocks once the proxy stops reading
          } catch (IOException e) {
            // the socket is closed at the end of the test
          }
        }, "attacker-" + i);
        writer.setDaemon(true);
        writer.start();
        writers.add(writer);
      }
      assertThat(slowArrived.await(60, TimeUnit.SECONDS)).as("every slow request reached the backend").isTrue();

      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).build();
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/image/fast")).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("request %d during the attack", i).isEqualTo(200);
        assertThat(response.body()).isEqualTo("fast");
      }
      assertThat(proxy.isAlive()).as("the proxy is alive").isTrue();
      release.complete("slow");
      for (Socket socket : attackers) socket.close();
      HttpResponse<String> after = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/image/fast")).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(proxy.isAlive()).isTrue();
    } finally {
      release.complete("slow");
      for (Socket socket : attackers) socket.close();
      backend.disposeNow();
    }
  }
}
