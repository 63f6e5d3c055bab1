import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP receiver that accepts every export and keeps nothing, for measuring oscope with
 * {@code --tracing} (BENCHMARKS.md): {@code taskset -c 1 java bench/OtlpSink.java 4318}, then
 * {@code OSCOPE_PROXY_ARGS="--tracing --otlp-endpoint http://127.0.0.1:4318" bench/run}. Listens
 * on loopback only; prints what it received (exports, spans' bytes) every 10 seconds.
 */
public final class OtlpSink {
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 4318;
    AtomicLong posts = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    server.createContext("/v1/traces", exchange -> {
      bytes.addAndGet(exchange.getRequestBody().readAllBytes().length);
      posts.incrementAndGet();
      exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse: all accepted
      exchange.close();
    });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    System.out.println("otlp-sink: listening on 127.0.0.1:" + port + "/v1/traces");
    while (true) {
      Thread.sleep(10_000);
      System.out.printf("otlp-sink: %d exports, %.1f MB%n", posts.get(), bytes.get() / 1e6);
    }
  }
}
