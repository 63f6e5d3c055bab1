package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.Ticker;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.oscope.demo.StandInService;
import io.oscope.pool.PoolSettings;
import io.oscope.pool.RetryBudget;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import io.oscope.tracing.Tracing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The spans of real proxies, exported to memory: a request's trace across two proxies and a
 * stand-in service, retries, errors, and a hop with tracing off. Each proxy has its own tracer
 * provider, as two processes would; the spans are read once every event loop of the proxies has
 * run what it had queued ({@link ScopeProxy#checkDeadlines()}), so the exchanges have ended.
 */
class TracingTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01";
  private static final String GLOBAL_ID = "req-11111111-2222-4333-8444-555555555555";
  private static final AttributeKey<String> INSTANCE = AttributeKey.stringKey("service.instance.id");
  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final Http http = Http.direct();
  private TwoClouds clouds;
  private ScopeProxy solo;
  private StandInService backend;

  @AfterEach
  void stop() {
    if (clouds != null) clouds.close();
    if (solo != null) solo.close();
    if (backend != null) backend.close();
  }

  private Tracing tracing(String cloud) {
    return inMemory(cloud, exported);
  }

  /** The tracing of proxy {@code oscope-<cloud>}, its spans exported to {@code exported} as they end. */
  static Tracing inMemory(String cloud, InMemorySpanExporter exported) {
    return new Tracing(SdkTracerProvider.builder().setResource(Tracing.resource("oscope-" + cloud, cloud))
        .addSpanProcessor(SimpleSpanProcessor.create(exported)).build());
  }

  /** The spans ended so far, once the proxies' event loops are done with what they had queued. */
  private List<SpanData> spans(ScopeProxy... proxies) {
    for (ScopeProxy proxy : proxies) proxy.checkDeadlines();
    return exported.getFinishedSpanItems();
  }

  static SpanData only(List<SpanData> spans, String proxy, SpanKind kind) {
    List<SpanData> found = spans.stream()
        .filter(span -> span.getKind() == kind && proxy.equals(span.getResource().getAttribute(INSTANCE))).toList();
    assertThat(found).as(kind + " spans of " + proxy).hasSize(1);
    return found.get(0);
  }

  static String attribute(SpanData span, String key) {
    Object value = span.getAttributes().asMap().get(AttributeKey.stringKey(key));
    if (value == null) value = span.getAttributes().asMap().get(AttributeKey.longKey(key));
    return value == null ? null : value.toString();
  }

  /** Everything a span says, as text: no token or query may be in it. */
  static String text(SpanData span) {
    return span.getName() + " " + span.getAttributes() + " " + span.getStatus() + " " + span.getResource();
  }

  @Test
  void aRequestsTraceCrossesBothProxiesInTheClientsTrace() throws Exception {
    clouds = new TwoClouds(settings -> settings, this::tracing);

    Http.Reply reply = http.get(clouds.oneUrl("/image/v2/images?marker=QUERY-SECRET"), Map.of(
        "X-Auth-Token", "TOKEN-SECRET", "X-Scope", "{\"image\": \"CloudTwo\"}", "traceparent", TRACEPARENT,
        "tracestate", "vendor=opaque", "X-OpenStack-Request-ID", GLOBAL_ID));

    assertThat(reply.status()).isEqualTo(200);
    List<SpanData> spans = spans(clouds.one, clouds.two);
    assertThat(spans).hasSize(4);
    SpanData oneServer = only(spans, "oscope-CloudOne", SpanKind.SERVER);
    SpanData oneClient = only(spans, "oscope-CloudOne", SpanKind.CLIENT);
    SpanData twoServer = only(spans, "oscope-CloudTwo", SpanKind.SERVER);
    SpanData twoClient = only(spans, "oscope-CloudTwo", SpanKind.CLIENT);
    assertThat(spans).allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(TRACE_ID));
    assertThat(oneServer.getParentSpanId()).as("the client's span is the parent").isEqualTo(CLIENT_SPAN_ID);
    assertThat(oneClient.getParentSpanId()).isEqualTo(oneServer.getSpanId());
    assertThat(twoServer.getParentSpanId()).as("CloudOne's try is the parent at CloudTwo").isEqualTo(oneClient.getSpanId());
    assertThat(twoClient.getParentSpanId()).isEqualTo(twoServer.getSpanId());
    assertThat(reply.seen("traceparent").asText()).as("the service is in CloudTwo's try")
        .isEqualTo("00-" + TRACE_ID + "-" + twoClient.getSpanId() + "-01");
    assertThat(reply.seen("tracestate").asText()).isEqualTo("vendor=opaque");

    assertThat(oneServer.getName()).isEqualTo("GET image");
    assertThat(attribute(oneServer, "http.request.method")).isEqualTo("GET");
    assertThat(attribute(oneServer, "url.path")).isEqualTo("/image/v2/images");
    assertThat(attribute(oneServer, "http.response.status_code")).isEqualTo("200");
    assertThat(attribute(oneServer, "server.address")).isEqualTo("127.0.0.1");
    assertThat(attribute(oneServer, "oscope.service.type")).isEqualTo("image");
    assertThat(attribute(oneServer, "oscope.cloud")).isEqualTo("CloudTwo");
    assertThat(attribute(oneServer, "openstack.global_request_id")).isEqualTo(GLOBAL_ID);
    assertThat(attribute(oneServer, "openstack.request_id"))
        .isEqualTo(reply.headers().get("x-openstack-request-id").get(0));
    assertThat(attribute(twoServer, "oscope.origin_id")).isEqualTo(attribute(oneServer, "oscope.request_id")).isNotNull();
    assertThat(attribute(oneClient, "oscope.upstream")).isEqualTo(clouds.twoFrontend.toString());
    assertThat(attribute(twoClient, "oscope.upstream")).isEqualTo(clouds.twoImage.address().toString());
    assertThat(attribute(twoClient, "server.port")).isEqualTo(Integer.toString(clouds.twoImage.address().port()));
    assertThat(attribute(twoClient, "url.path")).isEqualTo("/v2/images");
    assertThat(spans).allSatisfy(span -> {
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      assertThat(text(span)).doesNotContain("SECRET").doesNotContain("marker");
    });
  }

  @Test
  void aRequestWithoutTraceContextStartsATraceThatTheAccessLogNames() throws Exception {
    clouds = new TwoClouds(settings -> settings, this::tracing);
    Http.Reply reply;
    String line;
    try (AccessLines access = new AccessLines()) {
      reply = http.get(clouds.oneUrl("/image/v2/images"), Map.of());
      line = access.await(1).get(0);
    }

    assertThat(reply.status()).isEqualTo(200);
    List<SpanData> spans = spans(clouds.one);
    assertThat(spans).hasSize(2);
    SpanData server = only(spans, "oscope-CloudOne", SpanKind.SERVER);
    SpanData client = only(spans, "oscope-CloudOne", SpanKind.CLIENT);
    assertThat(server.getParentSpanContext().isValid()).as("a new trace").isFalse();
    assertThat(server.getTraceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
    assertThat(line).contains(" trace_id=" + server.getTraceId());
    assertThat(reply.seen("traceparent").asText()).isEqualTo("00-" + server.getTraceId() + "-" + client.getSpanId() + "-"
        + client.getSpanContext().getTraceFlags().asHex());
    assertThat(reply.seen("tracestate").isMissingNode()).isTrue();
  }

  @Test
  void anErrorTheProxyAnswersMarksTheServerSpan() throws Exception {
    clouds = new TwoClouds(settings -> settings, this::tracing);

    Http.Reply reply = http.get(clouds.oneUrl("/image/v2/images?SECRET=1"), Map.of("X-Scope", "{\"image\": CloudTwo}"));

    assertThat(reply.status()).isEqualTo(400);
    SpanData server = only(spans(clouds.one), "oscope-CloudOne", SpanKind.SERVER);
    assertThat(spans(clouds.one)).as("no try: no CLIENT span").hasSize(1);
    assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attribute(server, "error.type")).isEqualTo("MalformedScope");
    assertThat(attribute(server, "http.response.status_code")).isEqualTo("400");
    assertThat(text(server)).doesNotContain("SECRET");
  }

  @Test
  void aRetriedTryIsASecondClientSpanAndAFailedOneIsAnError() throws Exception {
    backend = StandInService.start("Solo", "image", new HostPort("127.0.0.1", 0));
    int refusing = FreePorts.next();
    int port = FreePorts.next();
    String routes = """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "127.0.0.1:%1$d/image", "Region": "Solo", "Frontend": "127.0.0.1:%1$d", "Backend": "127.0.0.1:%2$d,%3$s"},
          {"Service Type": "volume", "Interface": "public", "URL": "127.0.0.1:%1$d/volume", "Region": "Solo", "Frontend": "127.0.0.1:%1$d", "Backend": "127.0.0.1:%2$d"}
        ]}""".formatted(port, refusing, backend.address());
    RouteTable table = RouteTable.compile("retry", RouteFile.parse("retry", routes.getBytes(StandardCharsets.UTF_8)), "Solo");
    // No health checks, no passive ejection: the refusing address stays in the pool; in turn, one
    // of two requests at least tries it first.
    PoolSettings pools = new PoolSettings(Duration.ofHours(1), Duration.ofSeconds(1), 2, 100, null, 399, 2,
        PoolSettings.Balance.ROUND_ROBIN, new RetryBudget(0, 2));
    solo = ScopeProxy.start(table, ProxySettings.of("Solo", new HostPort("127.0.0.1", port)).toBuilder().pools(pools).build(),
        Ticker.systemTicker(), null, tracing("Solo"));

    assertThat(RawHttp.get(port, "/image/v2/first", "HTTP/1.1")).startsWith("HTTP/1.1 200 ");
    assertThat(RawHttp.get(port, "/image/v2/second", "HTTP/1.1")).startsWith("HTTP/1.1 200 ");

    List<SpanData> spans = spans(solo);
    List<SpanData> servers = spans.stream().filter(span -> span.getKind() == SpanKind.SERVER).toList();
    assertThat(servers).hasSize(2).allSatisfy(span -> assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET));
    List<List<SpanData>> retried = servers.stream()
        .map(server -> spans.stream().filter(span -> span.getParentSpanId().equals(server.getSpanId()))
            .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList())
        .filter(tries -> tries.size() > 1).toList();
    assertThat(retried).as("requests retried, each in two CLIENT spans").isNotEmpty();
    assertThat(spans).hasSize(2 + 2 + retried.size());
    for (List<SpanData> tries : retried) {
      SpanData refused = tries.get(0);
      SpanData answered = tries.get(1);
      assertThat(tries).hasSize(2).allSatisfy(span -> assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT));
      assertThat(refused.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(attribute(refused, "error.type")).isEqualTo("UpstreamRefused");
      assertThat(attribute(refused, "oscope.upstream")).isEqualTo("127.0.0.1:" + refusing);
      assertThat(attribute(refused, "http.request.resend_count")).isNull();
      assertThat(answered.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      assertThat(attribute(answered, "oscope.upstream")).isEqualTo(backend.address().toString());
      assertThat(attribute(answered, "http.request.resend_count")).isEqualTo("1");
      assertThat(attribute(answered, "http.response.status_code")).isEqualTo("200");
    }

    exported.reset();
    assertThat(RawHttp.get(port, "/volume/v3/volumes", "HTTP/1.1")).startsWith("HTTP/1.1 503 ");
    List<SpanData> failed = spans(solo);
    assertThat(failed).hasSize(2).allSatisfy(span -> {
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(attribute(span, "error.type")).isEqualTo("UpstreamRefused");
    });
    assertThat(attribute(only(failed, "oscope-Solo", SpanKind.SERVER), "http.response.status_code")).isEqualTo("503");
  }

  @Test
  void aFailedOverTryNamesTheCloudItAsks() throws Exception {
    clouds = new TwoClouds(settings -> settings, this::tracing);
    HostPort down = clouds.oneImage.address();
    clouds.oneImage.close(); // CloudOne's Glance refuses connections: '|' moves on to CloudTwo

    Http.Reply reply = http.get(clouds.oneUrl("/image/v2/images"), Map.of("X-Scope", "{\"image\": \"CloudOne | CloudTwo\"}"));

    assertThat(reply.status()).isEqualTo(200);
    List<SpanData> ofOne = spans(clouds.one, clouds.two).stream()
        .filter(span -> "oscope-CloudOne".equals(span.getResource().getAttribute(INSTANCE))).toList();
    List<SpanData> tries = ofOne.stream().filter(span -> span.getKind() == SpanKind.CLIENT).toList();
    assertThat(tries).filteredOn(span -> down.toString().equals(attribute(span, "oscope.upstream"))).isNotEmpty()
        .allSatisfy(span -> assertThat(attribute(span, "oscope.cloud")).isEqualTo("CloudOne"));
    assertThat(tries).filteredOn(span -> clouds.twoFrontend.toString().equals(attribute(span, "oscope.upstream")))
        .singleElement().satisfies(span -> assertThat(attribute(span, "oscope.cloud")).isEqualTo("CloudTwo"));
    assertThat(only(ofOne, "oscope-CloudOne", SpanKind.SERVER)).satisfies(
        span -> assertThat(attribute(span, "oscope.cloud")).as("the cloud that answered").isEqualTo("CloudTwo"));
  }

  @Test
  void aHopWithTracingOffPassesTheTraceContextOnUntouched() throws Exception {
    clouds = new TwoClouds(settings -> settings, cloud -> cloud.equals("CloudOne") ? tracing(cloud) : null);
    String twoLine;
    Http.Reply reply;
    try (AccessLines access = new AccessLines()) {
      reply = http.get(clouds.oneUrl("/image/v2/images"), Map.of("X-Scope", "{\"image\": \"CloudTwo\"}",
          "traceparent", TRACEPARENT, "tracestate", "vendor=opaque"));
      twoLine = access.awaitContaining("oscope-CloudTwo");
    }

    assertThat(reply.status()).isEqualTo(200);
    List<SpanData> spans = spans(clouds.one, clouds.two);
    assertThat(spans).as("CloudTwo's proxy makes none").hasSize(2)
        .allSatisfy(span -> assertThat(span.getResource().getAttribute(INSTANCE)).isEqualTo("oscope-CloudOne"));
    SpanData oneClient = only(spans, "oscope-CloudOne", SpanKind.CLIENT);
    assertThat(reply.seen("traceparent").asText()).isEqualTo("00-" + TRACE_ID + "-" + oneClient.getSpanId() + "-01");
    assertThat(reply.seen("tracestate").asText()).isEqualTo("vendor=opaque");
    assertThat(twoLine).contains(" trace_id=" + TRACE_ID);
  }
}
