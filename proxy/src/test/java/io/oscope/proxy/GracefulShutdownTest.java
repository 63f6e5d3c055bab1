package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/** SIGTERM with requests in flight: every accepted request completes, then the proxy exits 0. */
class GracefulShutdownTest {

  @Test
  void sigtermLetsRequestsInFlightFinishAndExitsZero(@TempDir Path dir) throws Exception {
    int inFlight = 6;
    CountDownLatch arrived = new CountDownLatch(inFlight);
    CompletableFuture<String> answer = new CompletableFuture<>();
    DisposableServer slow = HttpServer.create().host("127.0.0.1").port(0)
        .handle((request, response) -> {
          arrived.countDown();
          // The backend answers once the proxy is stopping: the requests are in flight when SIGTERM arrives.
          return response.sendString(Mono.fromFuture(answer));
        })
        .bindNow();
    int port = FreePorts.next();
    Path routes = dir.resolve("services.json");
    Files.writeString(routes, String.format("{\"services\": [{\"Service Type\": \"image\", \"Interface\": \"public\","
        + " \"URL\": \"127.0.0.1:%d/image\", \"Region\": \"Solo\", \"Frontend\": \"127.0.0.1:%d\", \"Backend\": \"127.0.0.1:%d\"}]}",
        port, port, slow.port()));
    try (ProxyProcess proxy = ProxyProcess.start(List.of("-Xmx64m"), "proxy", "--services", routes.toString(),
        "--cloud", "Solo", "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:0", "--grace-period", "20s")) {
      // The last start line: the signal handlers are in place once it is logged.
      proxy.awaitLine("admin listener on");
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
      for (int i = 0; i < inFlight; i++) {
        responses.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/image/" + i)).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();

      proxy.signal("TERM");
      proxy.awaitLine("stopping");
      proxy.drain();
      answer.complete("done");

      for (CompletableFuture<HttpResponse<String>> response : responses) {
        HttpResponse<String> done = response.get(30, TimeUnit.SECONDS);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).isEqualTo("done");
      }
      assertThat(proxy.waitFor(Duration.ofSeconds(30))).as("exit status").isZero();
    } finally {
      answer.complete("done");
      slow.disposeNow();
    }
  }
}
