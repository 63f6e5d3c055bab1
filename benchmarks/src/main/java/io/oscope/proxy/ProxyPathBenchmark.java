package io.oscope.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.oscope.bench.Requests;
import io.oscope.http1.HeaderNames;
import io.oscope.http1.Http1Limits;
import io.oscope.http1.RequestHead;
import io.oscope.http1.ResponseHead;
import io.oscope.routes.RouteTable;
import io.oscope.scope.ScopedToken;
import io.oscope.tracing.RequestIds;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * oscope's own work per proxied request, without sockets: the request head parsed, the routing
 * decision, the upstream request headers, the downstream response head and the access-log line. In this package because
 * {@link RequestHead}, {@link ScopeRouter}, {@link HeaderRules}, {@link ResponseHead} and {@link RequestRecord} are package-private; everything Netty
 * does around them is measured by {@code bench/run}, not here.
 *
 * <pre>{@code java -jar benchmarks/target/benchmarks.jar ProxyPath -prof gc}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ProxyPathBenchmark {
  /** local: the scope keeps image in CloudOne (backend); remote: it sends image to CloudTwo's proxy. */
  @Param({"local", "remote"})
  String to;

  private RouteTable table;
  private ScopeRouter router;
  private HeaderRules rules;
  private byte[] requestBytes;
  private RequestHead request;
  private ByteBuf response;
  private final ResponseHead responseHead = new ResponseHead();
  private final ByteBuf responseOut = Unpooled.buffer(1024);
  private final ByteBuf requestOut = Unpooled.buffer(2048);
  private Route route;
  private final String uri = "/image/v2/images?limit=20";
  private final RequestIds ids = RequestIds.random();

  @Setup
  public void setUp() {
    table = Requests.table("CloudOne");
    router = new ScopeRouter(table, Set.of(), Set.of("127.0.0.1:18001"));
    rules = new HeaderRules("CloudOne", "oscope-CloudOne", "http", TrustedHops.none());
    String scope = Requests.pluginScope(to.equals("local") ? "CloudOne" : "CloudTwo");
    // What openstacksdk sends with the scope plugin: the scope on the token and in X-Scope.
    requestBytes = ("GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1:18001\r\n"
        + "User-Agent: openstacksdk/3.0.0 keystoneauth1/5.6.0 python-requests/2.31.0 CPython/3.11.2\r\n"
        + "Accept-Encoding: gzip, deflate\r\nAccept: application/json\r\nConnection: keep-alive\r\n"
        + "X-Auth-Token: " + Requests.TOKEN + ScopedToken.SEPARATOR + scope + "\r\nX-Scope: " + scope + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    request = requestHead();
    // What nginx answers for a static JSON file.
    response = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
        + "Date: Sat, 22 Nov 2025 01:00:00 GMT\r\nContent-Type: application/json\r\nContent-Length: 1024\r\n"
        + "Last-Modified: Sat, 22 Nov 2025 00:00:00 GMT\r\nConnection: keep-alive\r\nETag: \"673fd000-400\"\r\n"
        + "Accept-Ranges: bytes\r\n\r\n", StandardCharsets.US_ASCII);
    route = route();
    if (route.passThrough() || route.toPeer() != to.equals("remote")) {
      throw new IllegalStateException("unexpected route " + route.describeUpstream());
    }
  }

  /** The client's request head read from its bytes (as {@code RequestDecoder} does once it has them all). */
  @Benchmark
  public RequestHead requestHead() {
    return RequestHead.parse(requestBytes, requestBytes.length, Http1Limits.defaults());
  }

  /** Request target, service, scope, checks, destination: {@code ScopeRouter.route}. */
  @Benchmark
  public Route route() {
    return router.route(RequestTarget.of(uri, request.value(HeaderNames.HOST)), request);
  }

  /** The head sent upstream: the request's headers, filtered, plus the scope and forwarding headers, as bytes. */
  @Benchmark
  public ByteBuf upstreamHead() {
    return upstream(request, route);
  }

  private ByteBuf upstream(RequestHead client, Route decided) {
    requestOut.clear();
    rules.writeUpstreamHead(requestOut, client, decided.toPeer() ? decided.absoluteUri() : decided.pathAndQuery(),
        decided, table, "127.0.0.1", false, null,
        decided.toPeer() ? HeaderRules.HopHeaders.of(ids.format(42), null, null) : null);
    return requestOut;
  }

  /** The head sent back to the client: the upstream's head parsed, written again without hop-by-hop headers, with Via. */
  @Benchmark
  public ByteBuf downstreamHead() {
    return downstream();
  }

  private ByteBuf downstream() {
    responseHead.parse(response, 0, response.writerIndex(), false);
    responseOut.clear();
    responseHead.writeTo(responseOut, rules.viaEntryBytes(), false, ResponseHead.ConnectionLine.NONE);
    return responseOut;
  }

  /** Loop detection on every request. */
  @Benchmark
  public boolean isLoop() {
    return rules.isLoop(request);
  }

  /** The access-log line (the logger itself is not included). */
  @Benchmark
  public String accessLogLine() {
    RequestRecord record = new RequestRecord("GET", ScopeRouter.pathOnly(uri), "127.0.0.1", 1_000_000L);
    record.service = "image";
    record.cloud = "CloudOne";
    record.status = 200;
    record.bytes = 1024;
    return record.logLine(4_200_000L, 1_764_700_000_123L, "oscope-CloudOne", ids);
  }

  /** All of oscope's own per-request work above, together. */
  @Benchmark
  public void perRequest(Blackhole out) {
    RequestHead head = requestHead();
    RequestRecord record = new RequestRecord(head.method().name(), ScopeRouter.pathOnly(head.target()), "127.0.0.1", System.nanoTime());
    record.id = ids.next();
    record.readIds(head);
    out.consume(rules.isLoop(head));
    Route decided = router.route(RequestTarget.of(head.target(), head.value(HeaderNames.HOST)), head);
    out.consume(upstream(head, decided));
    out.consume(downstream());
    record.openStackRequestId = responseHead.requestId(io.oscope.tracing.RequestIds::isOpenStackId);
    record.service = decided.serviceType();
    record.cloud = decided.cloud();
    record.status = 200;
    record.bytes = 1024;
    out.consume(record.logLine(System.nanoTime(), System.currentTimeMillis(), "oscope-CloudOne", ids));
  }
}
