package io.oscope.reload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oscope.admin.AdminServer;
import io.oscope.demo.StandInService;
import io.oscope.proxy.ProxySettings;
import io.oscope.proxy.ScopeProxy;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live reload: under load, by the admin endpoint, and by the file watcher. */
class RouteReloadTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private StandInService first;
  private StandInService second;
  private HostPort front;
  private Path file;
  private ScopeProxy proxy;
  private RouteReloader reloader;
  private AdminServer admin;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    first = StandInService.start("Solo", "image-v1", new HostPort("127.0.0.1", 0));
    second = StandInService.start("Solo", "image-v2", new HostPort("127.0.0.1", 0));
    front = new HostPort("127.0.0.1", FreePorts.next());
    file = dir.resolve("services.json");
    write(routes(first.address(), false));
    RouteTable table = RouteTable.load(file, "Solo");
    proxy = ScopeProxy.start(table, ProxySettings.of("Solo", front));
    reloader = RouteReloader.start(file, "Solo", proxy::swap, table);
    admin = AdminServer.start(new HostPort("127.0.0.1", 0), reloader, proxy);
  }

  @AfterEach
  void stop() {
    admin.close();
    reloader.close();
    proxy.close();
    first.close();
    second.close();
  }

  @Test
  void aSwapUnderLoadFailsNoRequestAndTheNewRoutesServeAfterIt() throws Exception {
    int clients = 8;
    int perClient = 150;
    CountDownLatch warm = new CountDownLatch(clients * 20);
    AtomicInteger failures = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> load = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      load.add(pool.submit(() -> {
        for (int i = 0; i < perClient; i++) {
          if (get("/image/v2/images").statusCode() != 200) failures.incrementAndGet();
          warm.countDown();
        }
        return null;
      }));
    }
    assertThat(warm.await(60, TimeUnit.SECONDS)).isTrue();

    write(routes(second.address(), true));
    HttpResponse<String> reload = post("/reload");

    for (Future<?> client : load) client.get(60, TimeUnit.SECONDS);
    pool.shutdown();
    assertThat(reload.statusCode()).isEqualTo(200);
    JsonNode answer = json(reload.body());
    assertThat(answer.path("result").asText()).isEqualTo("reloaded");
    assertThat(answer.path("routes").asInt()).isEqualTo(2);
    assertThat(answer.path("version").asText()).isEqualTo(proxy.table().version());
    assertThat(answer.has("services")).as("the table is GET /routes, not the reload's answer").isFalse();
    assertThat(failures.get()).isZero();
    assertThat(first.received() + second.received()).isEqualTo(clients * perClient);
    assertThat(json(get("/image/v2/images").body()).path("service").asText()).isEqualTo("image-v2");
    assertThat(get("/volume/v3/volumes").statusCode()).isEqualTo(200);
  }

  @Test
  void aBadFileIsRejectedWholeAndTheOldTableStaysLive() throws Exception {
    String before = json(adminGet("/routes").body()).path("version").asText();
    Files.writeString(file, """
        {"services": [{"Service Type": "image", "Interface": "outer", "URL": "x:1/image", "Region": "Solo", "Frontend": "x:1"}]}""");

    HttpResponse<String> reload = post("/reload");

    assertThat(reload.statusCode()).isEqualTo(422);
    JsonNode body = json(reload.body());
    assertThat(body.path("result").asText()).isEqualTo("rejected");
    assertThat(body.path("problems").toString()).contains("\\\"Interface\\\" = \\\"outer\\\": must be public, internal or admin");
    assertThat(json(adminGet("/routes").body()).path("version").asText()).isEqualTo(before);
    assertThat(json(get("/image/v2/images").body()).path("service").asText()).isEqualTo("image-v1");
  }

  @Test
  void theAdminEndpointShowsTheTableVersionAndLoadTime() throws Exception {
    JsonNode routes = json(adminGet("/routes").body());

    assertThat(routes.path("version").asText()).isEqualTo(proxy.table().version());
    assertThat(routes.path("loadedAt").asText()).isNotEmpty();
    assertThat(routes.path("services").size()).isEqualTo(1);
    assertThat(adminGet("/healthz").statusCode()).isEqualTo(200);
    assertThat(json(post("/reload").body())).isEqualTo(JSON.readTree("{\"result\": \"unchanged\"}"));
  }

  @Test
  void aFileReplacedOnDiskIsPickedUp() throws Exception {
    BlockingQueue<RouteReloader.Outcome> outcomes = new ArrayBlockingQueue<>(16);
    reloader.onReload(outcomes::add);
    reloader.watch();

    Path next = file.resolveSibling("services.json.new");
    Files.writeString(next, routes(second.address(), true));
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE);

    RouteReloader.Outcome outcome;
    do {
      outcome = outcomes.poll(30, TimeUnit.SECONDS);
      assertThat(outcome).as("a reload within 30 s").isNotNull();
    } while (!(outcome instanceof RouteReloader.Outcome.Swapped));
    assertThat(json(get("/image/v2/images").body()).path("service").asText()).isEqualTo("image-v2");
  }

  private String routes(HostPort image, boolean withVolume) {
    String row = "{\"Service Type\": \"%s\", \"Interface\": \"public\", \"URL\": \"%s/%s\", \"Region\": \"Solo\","
        + " \"Frontend\": \"%s\", \"Backend\": \"%s\"}";
    String rows = String.format(row, "image", front, "image", front, image);
    if (withVolume) rows += ",\n" + String.format(row, "volumev3", front, "volume", front, image);
    return "{\"services\": [\n" + rows + "\n]}\n";
  }

  private void write(String content) throws Exception {
    Files.writeString(file, content);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + front + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> adminGet(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + path))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(String body) throws Exception {
    return JSON.readTree(body);
  }
}
