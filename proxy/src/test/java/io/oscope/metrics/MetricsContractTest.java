package io.oscope.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.demo.StandInService;
import io.oscope.proxy.ProxyProcess;
import io.oscope.routes.HostPort;
import io.oscope.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes {@code /metrics} of a real {@code oscope proxy} process, after requests and reloads,
 * and holds it to the README's metrics table (the contract) and to what the shipped dashboard and
 * alerting rules query.
 */
class MetricsContractTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final Pattern ADMIN = Pattern.compile("admin listener on /127\\.0\\.0\\.1:(\\d+)");

  @TempDir
  static Path dir;
  private static StandInService leaving;
  private static StandInService staying;
  private static ProxyProcess process;
  private static HostPort front;
  private static HostPort admin;
  private static Exposition scrape;
  /** The frontend of the other cloud: nothing listens there. */
  private static final HostPort OTHER = new HostPort("127.0.0.1", FreePorts.next());

  @BeforeAll
  static void runAProxyThenScrapeIt() throws Exception {
    leaving = StandInService.start("Solo", "image-old", new HostPort("127.0.0.1", 0));
    staying = StandInService.start("Solo", "image-new", new HostPort("127.0.0.1", 0));
    front = new HostPort("127.0.0.1", FreePorts.next());
    Path file = dir.resolve("services.json");
    Files.writeString(file, routes(leaving.address(), staying.address()));
    process = ProxyProcess.start(List.of("-Xmx64m"), "proxy", "--services", file.toString(), "--cloud", "Solo",
        "--listen", front.toString(), "--admin", "127.0.0.1:0", "--no-watch", "--max-upstream-connections", "7");
    Matcher port = ADMIN.matcher(process.awaitLine("admin listener on"));
    assertThat(port.find()).isTrue();
    admin = new HostPort("127.0.0.1", Integer.parseInt(port.group(1)));
    process.drain();

    assertThat(get(front, "/image/v2/images", "").statusCode()).isEqualTo(200);
    assertThat(get(front, "/volume/v3/volumes", "").statusCode()).isEqualTo(200);
    assertThat(get(front, "/image/v2/images", "{oops").statusCode()).isEqualTo(400);
    Files.writeString(file, routes(staying.address(), staying.address()));
    assertThat(post("/reload")).contains("\"reloaded\"");
    assertThat(post("/reload")).contains("\"unchanged\"");
    Files.writeString(file, "{\"services\": [");
    assertThat(post("/reload")).contains("\"rejected\"");
    assertThat(get(front, "/image/v2/images", "").statusCode()).isEqualTo(200);
    String text = get(admin, "/metrics", "").body();
    System.out.println(text);
    scrape = Exposition.parse(text);
  }

  @AfterAll
  static void stop() throws Exception {
    if (process != null) process.close();
    if (leaving != null) leaving.close();
    if (staying != null) staying.close();
  }

  @Test
  void everyMetricOfTheReadmeIsExportedWithItsTypeAndExactlyItsLabels() throws Exception {
    for (ReadmeMetrics row : ReadmeMetrics.read()) {
      String family = scrape.family(row.name());
      assertThat(family).as("%s is exported", row.name()).isNotNull();
      assertThat(scrape.types().get(family)).as("type of %s", row.name()).isEqualTo(row.type());
      List<Exposition.Sample> samples = scrape.of(row.name());
      assertThat(samples).as("samples of %s", row.name()).isNotEmpty();
      for (Exposition.Sample sample : samples) {
        Set<String> labels = new HashSet<>(sample.labels().keySet());
        if (sample.name().endsWith("_bucket")) assertThat(labels.remove("le")).isTrue();
        assertThat(labels).as("labels of %s", sample.name()).isEqualTo(row.labels());
      }
    }
  }

  @Test
  void everyOscopeMetricExportedIsInTheReadme() throws Exception {
    Set<String> documented = new TreeSet<>();
    for (ReadmeMetrics row : ReadmeMetrics.read()) documented.add(scrape.family(row.name()));
    Set<String> exported = new TreeSet<>(scrape.types().keySet());
    exported.removeIf(name -> !name.startsWith("oscope_"));
    assertThat(documented).containsAll(exported);
  }

  @Test
  void everyMetricTheDashboardAndTheAlertsQueryIsExported() throws Exception {
    List<String> expressions = new java.util.ArrayList<>(MonitoringFiles.dashboardExpressions());
    List<String> rules = MonitoringFiles.ruleExpressions();
    assertThat(expressions).as("dashboard targets").hasSizeGreaterThan(15);
    assertThat(rules).as("alerting rules").hasSize(8);
    expressions.addAll(rules);
    Set<String> queried = new TreeSet<>();
    expressions.forEach(expression -> queried.addAll(PromQl.metricNames(expression)));
    queried.remove("up"); // Prometheus' own, per scrape target
    assertThat(queried).hasSizeGreaterThan(15);
    assertThat(scrape.sampleNames()).containsAll(queried);
  }

  @Test
  void theLatencyHistogramHasTheDocumentedBuckets() {
    Set<String> bounds = new TreeSet<>();
    for (Exposition.Sample sample : scrape.of("oscope_requests_seconds_bucket")) {
      if (sample.name().endsWith("_bucket")) bounds.add(sample.labels().get("le"));
    }
    Set<String> expected = new TreeSet<>(Set.of("+Inf"));
    ProxyMetrics.LATENCY_BUCKETS.forEach(d -> expected.add(String.valueOf(d.toNanos() / 1e9)));
    assertThat(bounds).isEqualTo(expected);
  }

  @Test
  void countersExistFromTheStartAndCountWhatHappened() {
    for (String kind : ProxyMetrics.UPSTREAM_ERROR_KINDS) {
      assertThat(scrape.value("oscope_upstream_errors_total", Map.of("kind", kind))).isZero();
    }
    assertThat(scrape.value("oscope_scope_errors_total", Map.of("reason", "malformed_scope"))).isEqualTo(1);
    assertThat(scrape.value("oscope_scope_errors_total", Map.of("reason", "unknown_cloud"))).isZero();
    for (String result : ProxyMetrics.RELOAD_RESULTS) {
      assertThat(scrape.value("oscope_reloads_total", Map.of("result", result))).as(result).isEqualTo(1);
    }
    assertThat(scrape.value("oscope_last_reload_successful", Map.of())).isZero();
    assertThat(scrape.value("oscope_failovers_total", Map.of("service", "image", "from", "Solo", "to", "Other"))).isZero();
    assertThat(scrape.value("oscope_failovers_total", Map.of("service", "image", "from", "Other", "to", "Solo"))).isZero();
    assertThat(scrape.value("oscope_last_reload_timestamp_seconds", Map.of()))
        .isGreaterThanOrEqualTo(scrape.value("oscope_route_table_loaded_timestamp_seconds", Map.of()));
    assertThat(scrape.value("oscope_requests_seconds_count", Map.of("service", "image", "status", "2xx"))).isEqualTo(2);
  }

  @Test
  void upstreamSeriesFollowTheRouteFileAndShowTheConnections() {
    Set<String> addresses = new TreeSet<>();
    scrape.of("oscope_upstream_up").forEach(sample -> addresses.add(sample.labels().get("address")));
    scrape.of("oscope_upstream_connections").forEach(sample -> addresses.add(sample.labels().get("address")));
    scrape.of("oscope_upstream_refused_total").forEach(sample -> addresses.add(sample.labels().get("address")));
    assertThat(addresses).as("the address that left the route file has no series")
        .containsExactlyInAnyOrder(staying.address().toString(), OTHER.toString());
    Map<String, String> address = Map.of("address", staying.address().toString());
    assertThat(scrape.value("oscope_upstream_connections", Map.of("address", staying.address().toString(), "state", "idle")))
        .as("the keep-alive connection of the last request waits in the pool").isPositive();
    assertThat(scrape.value("oscope_upstream_connections", Map.of("address", staying.address().toString(), "state", "in_use")))
        .isZero();
    assertThat(scrape.value("oscope_upstream_refused_total", address)).isZero();
    assertThat(scrape.value("oscope_upstream_connection_limit", Map.of())).isEqualTo(7);
  }

  @Test
  void buildInfoNamesTheJavaVersion() {
    Exposition.Sample build = scrape.of("oscope_build_info").get(0);
    assertThat(build.value()).isEqualTo(1);
    assertThat(build.labels().get("java_version")).isEqualTo(System.getProperty("java.version"));
    assertThat(build.labels().get("version")).isNotBlank();
    assertThat(build.labels().get("commit")).isNotBlank();
  }

  private static String routes(HostPort image, HostPort volume) {
    String row = "{\"Service Type\": \"%s\", \"Interface\": \"public\", \"URL\": \"%s/%s\", \"Region\": \"Solo\","
        + " \"Frontend\": \"%s\", \"Backend\": \"%s\"}";
    // Another cloud's image service, so that image has a failover to count ('Solo | Other').
    String other = "{\"Service Type\": \"image\", \"Interface\": \"public\", \"URL\": \"%s/image\", \"Region\": \"Other\","
        + " \"Frontend\": \"%s\"}";
    return "{\"services\": [\n" + String.format(row, "image", front, "image", front, image) + ",\n"
        + String.format(row, "volumev3", front, "volume", front, volume) + ",\n"
        + String.format(other, OTHER, OTHER) + "\n]}\n";
  }

  private static HttpResponse<String> get(HostPort to, String path, String scope) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + to + path));
    if (!scope.isEmpty()) request.header("X-Scope", scope);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String post(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + admin + path)).POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
