package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.pool.PoolLoad;
import io.oscope.pool.PoolSettings;
import io.oscope.pool.RetryBudget;
import io.oscope.routes.HostPort;
import io.oscope.routes.Pool;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retry budget with a real refusing address and a real upstream that holds requests until
 * released: what is in flight is known at every step, never a matter of timing. The image pool is
 * a closed port R and the holding upstream H; H also serves the volume pool, whose held request
 * keeps H busier than R, so that every image request tries R first (fewest outstanding) and, once
 * refused there, needs a retry to reach H.
 */
class RetryBudgetTest {
  private final BlockingQueue<String> arrived = new LinkedBlockingQueue<>();
  private final CountDownLatch imagesGo = new CountDownLatch(1);
  private final CountDownLatch volumesGo = new CountDownLatch(1);
  private final ExecutorService clients = Executors.newCachedThreadPool();
  private ConcurrentUpstream held;
  private ScopeProxy proxy;

  @AfterEach
  void stop() throws Exception {
    imagesGo.countDown();
    volumesGo.countDown();
    if (proxy != null) proxy.close();
    if (held != null) held.close();
    clients.shutdownNow();
  }

  private CompletableFuture<String> getAsync(String path) {
    return CompletableFuture.supplyAsync(() -> RawHttp.get(proxy.address().getPort(), path, "HTTP/1.1"), clients);
  }

  private void assertArrives(String path) throws InterruptedException {
    assertThat(arrived.poll(20, TimeUnit.SECONDS)).as("the request the upstream holds now").isEqualTo(path);
  }

  private double retries(String result) {
    String line = "oscope_retries_total{result=\"" + result + "\"} ";
    return proxy.metrics().scrape().lines().filter(l -> l.startsWith(line))
        .mapToDouble(l -> Double.parseDouble(l.substring(line.length()))).findFirst().orElseThrow();
  }

  @Test
  void retriesBeyondTheBudgetGetTheFailureTheyMetAndBothAreCounted() throws Exception {
    held = new ConcurrentUpstream((head, connection, out) -> {
      String path = new ConcurrentUpstream.Received(head, connection).path();
      arrived.add(path);
      try {
        (path.startsWith("/volume") ? volumesGo : imagesGo).await();
      } catch (InterruptedException e) {
        return false;
      }
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
      return true;
    });
    int refusing = FreePorts.next();
    int port = FreePorts.next();
    String routes = """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "127.0.0.1:%1$d/image", "Region": "Solo", "Frontend": "127.0.0.1:%1$d", "Backend": "127.0.0.1:%2$d,127.0.0.1:%3$d"},
          {"Service Type": "volume", "Interface": "public", "URL": "127.0.0.1:%1$d/volume", "Region": "Solo", "Frontend": "127.0.0.1:%1$d", "Backend": "127.0.0.1:%3$d"}
        ]}""".formatted(port, refusing, held.port());
    RouteTable table = RouteTable.compile("budget", RouteFile.parse("budget", routes.getBytes(StandardCharsets.UTF_8)), "Solo");
    // No health checks and no passive ejection: R stays in the pool, refusing, for every request.
    PoolSettings pools = new PoolSettings(Duration.ofHours(1), Duration.ofSeconds(1), 2, 100, null, 399, 2,
        PoolSettings.Balance.LEAST_OUTSTANDING, new RetryBudget(0, 2));
    proxy = ScopeProxy.start(table, ProxySettings.of("Solo", new HostPort("127.0.0.1", port)).toBuilder().pools(pools).build());
    PoolLoad images = proxy.balancer().load(Pool.parse("127.0.0.1:" + refusing + ",127.0.0.1:" + held.port()));
    assertThat(retries("done")).isZero();
    assertThat(retries("refused_by_budget")).as("exported from the start").isZero();

    CompletableFuture<String> volume = getAsync("/volume/v3/volumes");
    assertArrives("/volume/v3/volumes");
    // Refused by R, each is retried on H, where it stays: two retries in flight, the minimum.
    CompletableFuture<String> first = getAsync("/image/v2/first");
    assertArrives("/image/v2/first");
    CompletableFuture<String> second = getAsync("/image/v2/second");
    assertArrives("/image/v2/second");
    assertThat(images.retries()).isEqualTo(2);
    assertThat(images.requests()).isEqualTo(2);

    String third = RawHttp.get(port, "/image/v2/third", "HTTP/1.1");

    assertThat(third).startsWith("HTTP/1.1 503 ");
    assertThat(RawHttp.body(third)).contains("Upstream Solo image backend 127.0.0.1:" + refusing + " refused the connection");
    assertThat(held.requestsFor("/image/v2/third")).isZero();
    assertThat(retries("done")).isEqualTo(2);
    assertThat(retries("refused_by_budget")).isEqualTo(1);

    // The retries end: their slots are free, and the next request refused by R is retried again.
    imagesGo.countDown();
    assertThat(first.get(20, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200 ");
    assertThat(second.get(20, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200 ");
    proxy.checkDeadlines(); // a task on every event loop: what they did before it is done
    assertThat(images.retries()).isZero();
    assertThat(images.requests()).isZero();
    String fourth = RawHttp.get(port, "/image/v2/fourth", "HTTP/1.1");
    assertThat(fourth).startsWith("HTTP/1.1 200 ");
    assertArrives("/image/v2/fourth");
    assertThat(retries("done")).isEqualTo(3);
    assertThat(retries("refused_by_budget")).isEqualTo(1);

    volumesGo.countDown();
    assertThat(volume.get(20, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200 ");
    proxy.checkDeadlines();
    assertThat(images.requests()).isZero();
    assertThat(images.retries()).isZero();
  }
}
