import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Keystone stand-in for bench/run's tenant-policy cases: it answers the three calls a proxy with
 * --maintenance and --tenant-policy makes, in Keystone's JSON shapes, and counts them.
 *
 * <ul>
 *   <li>{@code POST /v3/auth/tokens}: the service account's token (201, {@code X-Subject-Token});
 *   <li>{@code GET /v3/auth/tokens}: who {@code X-Subject-Token} names (user {@code bench-user},
 *       project {@value #PROJECT}, roles {@code member} and {@code reader}, valid for an hour), when
 *       {@code X-Auth-Token} is the service token (else 401, as Keystone);
 *   <li>{@code GET /v3/projects/{id}}: the project, not in maintenance;
 *   <li>{@code GET /calls}: the counts, one line: {@code auth_post auth_get project_get other}.
 * </ul>
 *
 * <pre>java bench/KeystoneStandIn.java 127.0.0.1 18091</pre>
 */
public final class KeystoneStandIn {
  static final String PROJECT = "4f1c0a6e2b7d4c1a9e3f5b8d7c6a5e40";
  private static final String SERVICE_TOKEN = "gAAAAABbenchServiceTokenOfTheOscopeAccount";
  private static final AtomicLong AUTH_POST = new AtomicLong();
  private static final AtomicLong AUTH_GET = new AtomicLong();
  private static final AtomicLong PROJECT_GET = new AtomicLong();
  private static final AtomicLong OTHER = new AtomicLong();

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: KeystoneStandIn ADDRESS PORT");
      System.exit(2);
    }
    // Without TCP_NODELAY the body, a second small write after the head, waits for the delayed ACK (40 ms).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 128);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", KeystoneStandIn::handle);
    server.start();
    System.err.println("KeystoneStandIn on " + args[0] + ":" + args[1]);
  }

  private static void handle(HttpExchange exchange) throws IOException {
    try {
      exchange.getRequestBody().readAllBytes();
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      if (method.equals("GET") && path.equals("/calls")) {
        send(exchange, 200, AUTH_POST.get() + " " + AUTH_GET.get() + " " + PROJECT_GET.get() + " " + OTHER.get() + "\n");
      } else if (method.equals("POST") && path.equals("/v3/auth/tokens")) {
        AUTH_POST.incrementAndGet();
        exchange.getResponseHeaders().set("X-Subject-Token", SERVICE_TOKEN);
        send(exchange, 201, token("oscope-service-user", "oscope", "service-project-id", "service", List.of("admin")));
      } else if (method.equals("GET") && path.equals("/v3/auth/tokens")) {
        AUTH_GET.incrementAndGet();
        if (!SERVICE_TOKEN.equals(exchange.getRequestHeaders().getFirst("X-Auth-Token"))) {
          send(exchange, 401, error(401, "Unauthorized", "The request you have made requires authentication."));
        } else if (exchange.getRequestHeaders().getFirst("X-Subject-Token") == null) {
          send(exchange, 400, error(400, "Bad Request", "X-Subject-Token is missing."));
        } else {
          send(exchange, 200, token("bench-user-id", "bench-user", PROJECT, "demo", List.of("member", "reader")));
        }
      } else if (method.equals("GET") && path.startsWith("/v3/projects/")) {
        PROJECT_GET.incrementAndGet();
        String id = path.substring("/v3/projects/".length());
        if (!id.equals(PROJECT)) {
          send(exchange, 404, error(404, "Not Found", "Could not find project: " + id + "."));
        } else {
          send(exchange, 200, "{\"project\": {\"id\": \"" + PROJECT + "\", \"name\": \"demo\", \"domain_id\": \"default\","
              + " \"description\": \"\", \"enabled\": true, \"parent_id\": \"default\", \"is_domain\": false,"
              + " \"tags\": [], \"options\": {}, \"links\": {\"self\": \"http://127.0.0.1/v3/projects/" + PROJECT + "\"}}}");
        }
      } else {
        OTHER.incrementAndGet();
        send(exchange, 404, error(404, "Not Found", "The resource could not be found."));
      }
    } finally {
      exchange.close();
    }
  }

  /** A Keystone v3 token body (nocatalog), valid for an hour. */
  private static String token(String userId, String userName, String projectId, String projectName, List<String> roles) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    StringBuilder roleList = new StringBuilder();
    for (String role : roles) {
      if (roleList.length() > 0) roleList.append(", ");
      roleList.append("{\"id\": \"").append(role).append("-role-id\", \"name\": \"").append(role).append("\"}");
    }
    return "{\"token\": {\"methods\": [\"password\"], \"user\": {\"domain\": {\"id\": \"default\", \"name\": \"Default\"},"
        + " \"id\": \"" + userId + "\", \"name\": \"" + userName + "\", \"password_expires_at\": null},"
        + " \"audit_ids\": [\"3T2dc1CGQxyJsHdDu1xkcw\"], \"expires_at\": \"" + now.plus(1, ChronoUnit.HOURS) + "\","
        + " \"issued_at\": \"" + now + "\", \"project\": {\"domain\": {\"id\": \"default\", \"name\": \"Default\"},"
        + " \"id\": \"" + projectId + "\", \"name\": \"" + projectName + "\"}, \"is_domain\": false,"
        + " \"roles\": [" + roleList + "]}}";
  }

  private static String error(int code, String title, String message) {
    return "{\"error\": {\"code\": " + code + ", \"title\": \"" + title + "\", \"message\": \"" + message + "\"}}";
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
