package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.oscope.demo.StandInService;
import io.oscope.routes.HostPort;
import io.oscope.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * 2 GiB up and down through a proxy that runs in its own JVM with a 64 MiB heap (and so 64 MiB of
 * direct memory): a proxy that buffered bodies would die of OutOfMemoryError here.
 */
class StreamingTest {
  private static final long SIZE = 2L << 30;
  private static final byte[] BLOCK = new byte[64 * 1024];
  private static StandInService upload;
  private static DisposableServer download;
  private static ProxyProcess proxy;
  private static int proxyPort;

  static {
    new SplittableRandom(42).nextBytes(BLOCK);
  }

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    upload = StandInService.start("Big", "object-store", TwoClouds.loopback(0));
    download = HttpServer.create().host("127.0.0.1").port(0)
        .handle((request, response) -> response.header("Content-Length", Long.toString(SIZE))
            .send(Flux.generate(() -> 0L, (sent, sink) -> {
              if (sent >= SIZE) {
                sink.complete();
              } else {
                sink.next(Unpooled.wrappedBuffer(BLOCK));
              }
              return sent + BLOCK.length;
            })))
        .bindNow();
    proxyPort = FreePorts.next();
    HostPort front = TwoClouds.loopback(proxyPort);
    Path routes = dir.resolve("services.json");
    Files.writeString(routes, """
        {"services": [
          {"Service Type": "object-store", "Interface": "public", "URL": "%1$s/up", "Region": "Big", "Frontend": "%1$s", "Backend": "%2$s"},
          {"Service Type": "image", "Interface": "public", "URL": "%1$s/down", "Region": "Big", "Frontend": "%1$s", "Backend": "127.0.0.1:%3$d"}
        ]}""".formatted(front, upload.address(), download.port()));
    proxy = ProxyProcess.start(List.of("-Xmx64m"), "proxy", "--services", routes.toString(),
        "--cloud", "Big", "--listen", front.toString(), "--admin", "127.0.0.1:0");
    proxy.awaitLine("proxy listening on");
    proxy.drain();
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) proxy.close();
    upload.close();
    download.disposeNow();
  }

  @Test
  void twoGibibytesStreamUpAndDownWithinA64MibHeap() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    HttpResponse<String> up = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/up/container/object"))
            .expectContinue(true)
            .PUT(HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(Pattern::new), SIZE))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode echo = new ObjectMapper().readTree(up.body());
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(echo.path("bodyBytes").asLong()).isEqualTo(SIZE);
    assertThat(echo.path("bodySha256").asText()).isEqualTo(sha256(new Pattern()));

    HttpResponse<InputStream> down = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/down/v2/images/x/file")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(down.statusCode()).isEqualTo(200);
    try (InputStream body = down.body()) {
      assertThat(sha256(body)).isEqualTo(sha256(new Pattern()));
    }

    assertThat(proxy.isAlive()).as("proxy survived").isTrue();
    System.out.println("proxy peak RSS after 2 x 2 GiB: " + peakRss(proxy.pid()));
  }

  /** The test data: the same 64 KiB block, again and again, SIZE bytes in all. */
  static final class Pattern extends InputStream {
    private long position;

    @Override
    public int read() {
      return position < SIZE ? BLOCK[(int) (position++ % BLOCK.length)] & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position >= SIZE) return -1;
      int inBlock = (int) (position % BLOCK.length);
      int n = (int) Math.min(Math.min(length, BLOCK.length - inBlock), SIZE - position);
      System.arraycopy(BLOCK, inBlock, buffer, offset, n);
      position += n;
      return n;
    }
  }

  private static String sha256(InputStream in) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[256 * 1024];
    for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String peakRss(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(line -> line.startsWith("VmHWM")).findFirst().orElse("VmHWM unknown").replaceAll("\\s+", " ");
  }


}
