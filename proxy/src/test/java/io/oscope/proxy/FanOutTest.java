package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.oscope.fanout.FanOutSettings;
import io.oscope.fanout.MarkerKey;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code &} fan-outs through real proxies to stand-in services on loopback, one per cloud, each
 * paging its collection as its service does: CloudOne's behind its proxy, CloudTwo's through
 * CloudTwo's proxy as a peer. Lists are walked to their end by following the next links, as the
 * {@code openstack} CLI does.
 */
class FanOutTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final MarkerKey KEY = MarkerKey.of("a key that every instance shares, 32+ bytes".getBytes());

  private final ListService oneImage = ListService.start(ListService.Style.GLANCE, "images", ListService.items("one", 23));
  private final ListService twoImage = ListService.start(ListService.Style.GLANCE, "images", ListService.items("two", 9));
  private final ListService oneCompute = ListService.start(ListService.Style.NOVA, "servers", ListService.items("s1", 7));
  private final ListService twoCompute = ListService.start(ListService.Style.NOVA, "servers", ListService.items("s2", 12));
  private final ListService oneNetwork = ListService.start(ListService.Style.NEUTRON, "networks", ListService.items("n1", 11));
  private final ListService twoNetwork = ListService.start(ListService.Style.NEUTRON, "networks", ListService.items("n2", 4));
  private final HostPort oneFrontend = new HostPort("127.0.0.1", FreePorts.next());
  private final HostPort twoFrontend = new HostPort("127.0.0.1", FreePorts.next());
  private ScopeProxy one;
  private ScopeProxy two;
  /** Each proxy's spans apart: a proxy that closes shuts its exporter down. */
  private final InMemorySpanExporter oneSpans = InMemorySpanExporter.create();
  private final InMemorySpanExporter twoSpans = InMemorySpanExporter.create();

  private void start(FanOutSettings.Failure policy, Ticker ticker) throws Exception {
    start(policy, ticker, false);
  }

  /** @param traced whether the proxies make spans: CloudOne's go to {@link #oneSpans}, CloudTwo's to {@link #twoSpans} */
  private void start(FanOutSettings.Failure policy, Ticker ticker, boolean traced) throws Exception {
    String p1 = oneFrontend.toString();
    String p2 = twoFrontend.toString();
    String routes = "{\"services\": [\n" + String.join(",\n",
        row("image", p1 + "/image", "CloudOne", p1, oneImage.address()),
        row("compute", "http://" + p1 + "/compute/v2.1", "CloudOne", p1, oneCompute.address()),
        row("network", "http://" + p1 + "/network", "CloudOne", p1, oneNetwork.address()),
        row("image", "http://" + twoImage.address(), "CloudTwo", p2, twoImage.address()),
        row("compute", "http://" + twoCompute.address() + "/v2.1", "CloudTwo", p2, twoCompute.address()),
        row("network", "http://" + twoNetwork.address(), "CloudTwo", p2, twoNetwork.address())) + "\n]}";
    FanOutSettings fanOut = FanOutSettings.defaults().withFailure(policy).withTimeout(Duration.ofSeconds(5))
        .withMarkerKey(KEY);
    one = ScopeProxy.start(table(routes, "CloudOne"),
        ProxySettings.of("CloudOne", oneFrontend).toBuilder().fanOut(fanOut).build(), ticker, null,
        traced ? TracingTest.inMemory("CloudOne", oneSpans) : null);
    two = ScopeProxy.start(table(routes, "CloudTwo"),
        ProxySettings.of("CloudTwo", twoFrontend).toBuilder().fanOut(fanOut).build(), Ticker.systemTicker(), null,
        traced ? TracingTest.inMemory("CloudTwo", twoSpans) : null);
  }

  private static RouteTable table(String routes, String cloud) throws Exception {
    return RouteTable.compile("fan-out", RouteFile.parse("fan-out", routes.getBytes(StandardCharsets.UTF_8)), cloud);
  }

  private static String row(String type, String url, String region, String frontend, HostPort backend) {
    return String.format("{\"Service Type\": \"%s\", \"Interface\": \"public\", \"URL\": \"%s\", \"Region\": \"%s\","
        + " \"Frontend\": \"%s\", \"Backend\": \"%s\"}", type, url, region, frontend, backend);
  }

  @AfterEach
  void stop() {
    if (one != null) one.close();
    if (two != null) two.close();
    for (ListService service : List.of(oneImage, twoImage, oneCompute, twoCompute, oneNetwork, twoNetwork)) {
      service.close();
    }
  }

  private HttpResponse<String> get(String service, String url) throws Exception {
    String scope = "{\"" + service + "\": \"CloudOne & CloudTwo\"}";
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("X-Scope", scope)
        .timeout(Duration.ofSeconds(20)).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Follows the next links from {@code url}, as the openstack CLI does; returns the items, in order. */
  private List<JsonNode> walk(String service, String collection, String url) throws Exception {
    List<JsonNode> seen = new ArrayList<>();
    String next = url;
    for (int pages = 0; next != null; pages++) {
      assertThat(pages).as("pages of %s", url).isLessThan(200);
      HttpResponse<String> response = get(service, next);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode body = JSON.readTree(response.body());
      body.get(collection).forEach(seen::add);
      next = null;
      if (body.hasNonNull("next")) {
        next = "http://" + oneFrontend + "/image" + body.get("next").asText();
      }
      JsonNode links = body.get(collection + "_links");
      if (links != null) {
        for (JsonNode link : links) {
          if (link.get("rel").asText().equals(url.contains("page_reverse") ? "previous" : "next")) {
            next = link.get("href").asText();
          }
        }
      }
    }
    return seen;
  }

  private static List<String> ids(List<JsonNode> items) {
    return items.stream().map(item -> item.get("id").asText()).toList();
  }

  /** Every item of both clouds once, in the order {@code order} says. */
  private static void assertWhole(List<JsonNode> seen, List<ObjectNode> all, Comparator<JsonNode> order) {
    List<String> ids = ids(seen);
    assertThat(new HashSet<>(ids)).as("no duplicate").hasSize(ids.size());
    List<JsonNode> expected = new ArrayList<>(all);
    expected.sort(order);
    assertThat(ids).as("every item, in order").isEqualTo(ids(expected));
    for (JsonNode item : seen) {
      assertThat(item.get("oscope:cloud").asText()).isEqualTo(item.get("id").asText().startsWith("one")
          || item.get("id").asText().startsWith("s1-") || item.get("id").asText().startsWith("n1-")
          ? "CloudOne" : "CloudTwo");
    }
  }

  private static Comparator<JsonNode> by(String field, boolean ascending) {
    Comparator<JsonNode> one = Comparator.comparing(item -> item.get(field).asText());
    Comparator<JsonNode> ids = Comparator.comparing(item -> item.get("id").asText());
    return ascending ? one.thenComparing(ids) : one.reversed().thenComparing(ids.reversed());
  }

  private static List<ObjectNode> both(String a, int countA, String b, int countB) {
    List<ObjectNode> all = new ArrayList<>(ListService.items(a, countA));
    all.addAll(ListService.items(b, countB));
    return all;
  }

  @ParameterizedTest
  @CsvSource({"1, ''", "2, ''", "5, ''", "40, ''", "3, &sort=name:asc", "4, &sort_key=name&sort_dir=desc",
      "2, &sort=created_at:asc"})
  void imageListsWalkBothCloudsWithNoGapNorDuplicate(int limit, String sort) throws Exception {
    start(FanOutSettings.Failure.FAIL, Ticker.systemTicker());
    List<JsonNode> seen = walk("image", "images", "http://" + oneFrontend + "/image/v2/images?limit=" + limit + sort);
    Comparator<JsonNode> order = sort.isEmpty() ? by("created_at", false)
        : sort.contains("created_at") ? by("created_at", true)
        : sort.contains("desc") ? by("name", false) : by("name", true);
    assertWhole(seen, both("one", 23, "two", 9), order);
  }

  @Test
  void eachTryOfEachCloudIsAClientSpanOfTheRequestsTrace() throws Exception {
    start(FanOutSettings.Failure.PARTIAL, Ticker.systemTicker(), true);
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + oneFrontend + "/image/v2/images?limit=3"))
        .header("X-Scope", "{\"image\": \"CloudOne & CloudTwo\"}").header("X-Auth-Token", "TOKEN-SECRET")
        .timeout(Duration.ofSeconds(20)).GET().build();

    assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    one.checkDeadlines();
    two.checkDeadlines();
    SpanData server = TracingTest.only(oneSpans.getFinishedSpanItems(), "oscope-CloudOne", SpanKind.SERVER);
    List<SpanData> tries = clientSpans(oneSpans.getFinishedSpanItems());
    assertThat(tries).hasSize(2).allSatisfy(span -> {
      assertThat(span.getParentSpanId()).isEqualTo(server.getSpanId());
      assertThat(span.getName()).isEqualTo("GET image");
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      assertThat(TracingTest.attribute(span, "http.response.status_code")).isEqualTo("200");
      assertThat(TracingTest.attribute(span, "http.request.resend_count")).isNull();
      assertThat(TracingTest.text(span)).doesNotContain("SECRET").doesNotContain("limit");
    });
    SpanData local = tries.get(0);
    SpanData peer = tries.get(1);
    assertThat(TracingTest.attribute(local, "oscope.cloud")).isEqualTo("CloudOne");
    assertThat(TracingTest.attribute(local, "oscope.upstream")).isEqualTo(oneImage.address().toString());
    assertThat(TracingTest.attribute(local, "url.path")).isEqualTo("/image/v2/images");
    assertThat(TracingTest.attribute(peer, "oscope.cloud")).isEqualTo("CloudTwo");
    assertThat(TracingTest.attribute(peer, "oscope.upstream")).isEqualTo(twoFrontend.toString());
    assertThat(TracingTest.attribute(peer, "url.path")).isEqualTo("/v2/images");
    assertThat(TracingTest.only(twoSpans.getFinishedSpanItems(), "oscope-CloudTwo", SpanKind.SERVER).getParentSpanId())
        .as("CloudTwo's proxy is in CloudOne's try of CloudTwo").isEqualTo(peer.getSpanId());

    two.close();
    two = null;
    oneSpans.reset();
    assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).headers().firstValue(FanOutExchange.FAILED_HEADER))
        .hasValue("CloudTwo");
    one.checkDeadlines();
    List<SpanData> failed = clientSpans(oneSpans.getFinishedSpanItems());
    assertThat(failed).hasSize(2);
    assertThat(failed.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(failed.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(TracingTest.attribute(failed.get(1), "error.type")).isEqualTo("UpstreamRefused");
  }

  /** The CLIENT spans of {@code spans}, CloudOne's try first. */
  private static List<SpanData> clientSpans(List<SpanData> spans) {
    return spans.stream().filter(span -> span.getKind() == SpanKind.CLIENT)
        .sorted(Comparator.comparing(span -> TracingTest.attribute(span, "oscope.cloud"))).toList();
  }

  @Test
  void anImageListWithoutLimitIsOnePageOfTheDefaultSize() throws Exception {
    start(FanOutSettings.Failure.FAIL, Ticker.systemTicker());
    HttpResponse<String> response = get("image", "http://" + oneFrontend + "/image/v2/images");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("images")).hasSize(25);
    assertThat(body.get("next").asText()).startsWith("/v2/images?marker=f1.");
    assertThat(body.get("schema").asText()).isEqualTo("/v2/schemas/images");
    assertThat(oneImage.received).allMatch(uri -> uri.contains("limit=25"));
    assertWhole(walk("image", "images", "http://" + oneFrontend + "/image/v2/images"),
        both("one", 23, "two", 9), by("created_at", false));
  }

  @ParameterizedTest
  @CsvSource({"1", "3", "19", "100"})
  void serverListsFollowNovaLinks(int limit) throws Exception {
    start(FanOutSettings.Failure.FAIL, Ticker.systemTicker());
    List<JsonNode> seen = walk("compute", "servers",
        "http://" + oneFrontend + "/compute/v2.1/servers/detail?limit=" + limit);
    assertWhole(seen, both("s1", 7, "s2", 12), by("created_at", false));
  }

  @ParameterizedTest
  @CsvSource({"1, ''", "4, &sort_key=name&sort_dir=asc", "2, &page_reverse=True", "5, &sort_key=name&sort_dir=asc&page_reverse=True"})
  void networkListsFollowNeutronLinksEitherWay(int limit, String extra) throws Exception {
    start(FanOutSettings.Failure.FAIL, Ticker.systemTicker());
    List<JsonNode> seen = walk("network", "networks", "http://" + oneFrontend + "/network/v2.0/networks?limit=" + limit + extra);
    Comparator<JsonNode> order = extra.contains("name") ? by("name", true) : by("id", true);
    if (extra.contains("page_reverse")) {
      // Walked backward: the pages from the end of the order, each page in the order.
      List<JsonNode> all = new ArrayList<>(both("n1", 11, "n2", 4));
      all.sort(order);
      List<JsonNode> expected = new ArrayList<>();
      for (int end = all.size(); end > 0; end -= limit) expected.addAll(all.subList(Math.max(0, end - limit), end));
      assertThat(ids(seen)).isEqualTo(ids(expected));
    } else {
      assertWhole(seen, both("n1", 11, "n2", 4), order);
    }
  }

  @Test
  void compressedPagesAreMergedAndABadFilterIsTheServicesAnswer() throws Exception {
    start(FanOutSettings.Failure.FAIL, Ticker.systemTicker());
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://" + oneFrontend + "/image/v2/images?limit=40"))
        .header("X-Scope", "{\"image\": \"CloudOne & CloudTwo\"}").header("Accept-Encoding", "gzip").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("images")).hasSize(32);

    response = get("image", "http://" + oneFrontend + "/image/v2/images?limit=3&status=bad");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("bad status filter");
    assertThat(response.headers().firstValue("x-oscope-cloud")).hasValue("CloudOne");
  }

  @Test
  void aTamperedMarkerIsRefused() throws Exception {
    start(FanOutSettings.Failure.FAIL, Ticker.systemTicker());
    JsonNode first = JSON.readTree(get("image", "http://" + oneFrontend + "/image/v2/images?limit=2").body());
    String next = first.get("next").asText();
    String marker = next.substring(next.indexOf("marker=") + 7);
    String altered = marker.substring(0, 8) + (marker.charAt(8) == 'A' ? 'B' : 'A') + marker.substring(9);
    HttpResponse<String> response = get("image", "http://" + oneFrontend + "/image/v2/images?limit=2&marker=" + altered);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("signature does not match");
    response = get("image", "http://" + oneFrontend + "/image/v2/images?limit=2&marker=one-003");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("was not issued by this fan-out");
    assertThat(oneImage.received).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource({"ERROR_500, CloudTwo", "CLOSE, CloudTwo", "ERROR_500, CloudOne", "CLOSE, CloudOne"})
  void aFailingCloudFailsTheListUnderFail(ListService.Mode mode, String failing) throws Exception {
    start(FanOutSettings.Failure.FAIL, Ticker.systemTicker());
    (failing.equals("CloudOne") ? oneImage : twoImage).mode(mode);
    HttpResponse<String> response = get("image", "http://" + oneFrontend + "/image/v2/images?limit=3");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
    assertThat(response.body()).contains("Clouds of the fan-out failed: " + failing);
  }

  @ParameterizedTest
  @CsvSource({"ERROR_500, CloudTwo", "CLOSE, CloudTwo", "ERROR_500, CloudOne", "CLOSE, CloudOne"})
  void aFailingCloudIsLeftOutAndNamedUnderPartial(ListService.Mode mode, String failing) throws Exception {
    start(FanOutSettings.Failure.PARTIAL, Ticker.systemTicker());
    (failing.equals("CloudOne") ? oneImage : twoImage).mode(mode);
    HttpResponse<String> response = get("image", "http://" + oneFrontend + "/image/v2/images?limit=50");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-oscope-fan-out-failed")).hasValue(failing);
    JsonNode images = JSON.readTree(response.body()).get("images");
    assertThat(images).hasSize(failing.equals("CloudOne") ? 9 : 23);
    String answering = failing.equals("CloudOne") ? "CloudTwo" : "CloudOne";
    images.forEach(image -> assertThat(image.get("oscope:cloud").asText()).isEqualTo(answering));
  }

  @ParameterizedTest
  @CsvSource({"FAIL, CloudTwo", "PARTIAL, CloudTwo", "FAIL, CloudOne", "PARTIAL, CloudOne"})
  void aCloudThatDoesNotAnswerInTimeIsAFailure(FanOutSettings.Failure policy, String slow) throws Exception {
    MockTicker ticker = Ticker.newMockTicker();
    start(policy, ticker);
    ListService hanging = slow.equals("CloudOne") ? oneImage : twoImage;
    hanging.mode(ListService.Mode.HANG);
    var pending = HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://" + oneFrontend + "/image/v2/images?limit=50"))
        .header("X-Scope", "{\"image\": \"CloudOne & CloudTwo\"}").GET().build(), HttpResponse.BodyHandlers.ofString());
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (hanging.received.isEmpty() && System.nanoTime() < until) Thread.onSpinWait();
    assertThat(hanging.received).hasSize(1);
    ticker.advance(6, TimeUnit.SECONDS);
    HttpResponse<String> response = pending.get(20, TimeUnit.SECONDS);
    if (policy == FanOutSettings.Failure.FAIL) {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
      assertThat(response.body()).contains(slow + " (did not answer within 5000 ms (--fan-out-timeout))");
    } else {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.headers().firstValue("x-oscope-fan-out-failed")).hasValue(slow);
    }
  }

  @Test
  void oneImageIsFoundInTheCloudThatHasIt() throws Exception {
    start(FanOutSettings.Failure.FAIL, Ticker.systemTicker());
    HttpResponse<String> response = get("image", "http://" + oneFrontend + "/image/v2/images/two-004");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-oscope-cloud")).hasValue("CloudTwo");
    assertThat(JSON.readTree(response.body()).at("/image/id").asText()).isEqualTo("two-004");
    response = get("image", "http://" + oneFrontend + "/image/v2/images/one-020");
    assertThat(response.headers().firstValue("x-oscope-cloud")).hasValue("CloudOne");
    response = get("image", "http://" + oneFrontend + "/image/v2/images/nowhere");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("Not found in CloudOne, CloudTwo");
  }

  @ParameterizedTest
  @CsvSource({"FAIL, 502", "PARTIAL, 404"})
  void aResourceNotFoundWhileACloudFailsFollowsThePolicy(FanOutSettings.Failure policy, int status) throws Exception {
    start(policy, Ticker.systemTicker());
    twoImage.mode(ListService.Mode.ERROR_500);
    assertThat(get("image", "http://" + oneFrontend + "/image/v2/images/one-001").statusCode()).isEqualTo(200);
    HttpResponse<String> response = get("image", "http://" + oneFrontend + "/image/v2/images/nowhere");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.body()).contains("CloudTwo");
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
