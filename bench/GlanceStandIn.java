import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A Glance stand-in for bench/fanout: every GET answers one page of {@code GET /v2/images}, sorted as
 * Glance sorts by default (created_at desc, id desc), after a fixed delay. The delay is a scheduled
 * answer, not a sleeping thread, so concurrent requests overlap as they would on a real service.
 *
 * <pre>java bench/GlanceStandIn.java 127.0.0.1 18281 20 CloudOne 5</pre>
 *
 * (address, port, delay in ms, a name put in the image names and IDs, items per page).
 */
public final class GlanceStandIn {
  public static void main(String[] args) throws IOException {
    if (args.length != 5) {
      System.err.println("usage: GlanceStandIn ADDRESS PORT DELAY_MS NAME ITEMS");
      System.exit(2);
    }
    int port = Integer.parseInt(args[1]);
    long delayMs = Long.parseLong(args[2]);
    byte[] page = page(args[3], Integer.parseInt(args[4]));
    // Without TCP_NODELAY the body, a second small write after the head, waits for the delayed ACK (40 ms).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    HttpServer server = HttpServer.create(new InetSocketAddress(args[0], port), 1024);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      if (delayMs == 0) answer(exchange, page);
      else timer.schedule(() -> answer(exchange, page), delayMs, TimeUnit.MILLISECONDS);
    });
    server.start();
    System.err.println("GlanceStandIn " + args[3] + " on " + args[0] + ":" + port + ", " + delayMs + " ms");
  }

  private static void answer(HttpExchange exchange, byte[] page) {
    try {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, page.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(page);
      }
    } catch (IOException e) {
      // The client went away (wrk stops mid-request): nothing to do.
    } finally {
      exchange.close();
    }
  }

  /** A Glance page of {@code items} images, newest first, with fewer items than a page: no next link. */
  private static byte[] page(String name, int items) {
    StringBuilder json = new StringBuilder("{\"images\": [");
    for (int i = items; i >= 1; i--) {
      String id = String.format("%08x-0000-4000-8000-%012d", name.hashCode() & 0x7fffffff, i);
      if (i < items) json.append(", ");
      json.append("{\"id\": \"").append(id).append("\", \"name\": \"").append(name).append("-image-").append(i)
          .append("\", \"status\": \"active\", \"visibility\": \"public\", \"container_format\": \"bare\","
              + " \"disk_format\": \"qcow2\", \"size\": 21430272, \"min_disk\": 0, \"min_ram\": 0,"
              + " \"created_at\": \"2026-11-")
          .append(String.format("%02d", i)).append("T10:00:0").append(name.length() % 10)
          .append("Z\", \"updated_at\": \"2026-11-").append(String.format("%02d", i))
          .append("T10:00:10Z\", \"tags\": [], \"self\": \"/v2/images/").append(id)
          .append("\", \"file\": \"/v2/images/").append(id).append("/file\", \"schema\": \"/v2/schemas/image\"}");
    }
    json.append("], \"first\": \"/v2/images\", \"schema\": \"/v2/schemas/images\"}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }
}
