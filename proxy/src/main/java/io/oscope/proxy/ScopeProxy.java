package io.oscope.proxy;

import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutException;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteTable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;

/**
 * One scope-routing proxy: an HTTP server that forwards every request to the local backend of its
 * service or to the proxy of the cloud its scope names, streaming bodies both ways.
 *
 * <pre>{@code
 * try (ScopeProxy proxy = ScopeProxy.start(RouteTable.load(file, "CloudOne"),
 *     ProxySettings.of("CloudOne", HostPort.parse("0.0.0.0:8888")))) {
 *   proxy.onDispose().block();
 * }
 * }</pre>
 */
public final class ScopeProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScopeProxy.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("oscope.access");
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD,
      HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final ProxySettings settings;
  private final HeaderRules rules;
  private final ConnectionProvider pool;
  private final HttpClient client;
  private volatile ScopeRouter router;
  private DisposableServer server;

  private ScopeProxy(RouteTable table, ProxySettings settings) {
    this.settings = settings;
    this.rules = new HeaderRules(settings.viaName());
    this.pool = ConnectionProvider.builder("oscope-upstream")
        .maxConnections(4096)
        .pendingAcquireMaxCount(-1)
        .maxIdleTime(settings.maxIdle())
        .evictInBackground(settings.maxIdle())
        .build();
    this.client = HttpClient.create(pool)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .responseTimeout(settings.responseTimeout())
        .disableRetry(true)
        .followRedirect(false);
    this.router = new ScopeRouter(table, settings.allowed(), Set.of());
  }

  /** Starts a proxy for {@code table} as {@code settings} say; fails if the address is taken. */
  public static ScopeProxy start(RouteTable table, ProxySettings settings) {
    if (!table.localCloud().equals(settings.cloud())) {
      throw new IllegalArgumentException("route table compiled for " + table.localCloud()
          + ", proxy runs for " + settings.cloud());
    }
    ScopeProxy proxy = new ScopeProxy(table, settings);
    proxy.server = HttpServer.create()
        .host(settings.listen().host())
        .port(settings.listen().port())
        .httpRequestDecoder(spec -> spec.maxHeaderSize(MAX_HEADER_BYTES))
        .handle(proxy::handle)
        .bindNow();
    proxy.router = new ScopeRouter(table, settings.allowed(), proxy.selfAddresses());
    LOG.info("{} proxy listening on {} with route table {} ({} clouds: {})", settings.cloud(),
        proxy.address(), table.version(), table.clouds().size(), String.join(", ", table.clouds()));
    return proxy;
  }

  private Set<String> selfAddresses() {
    Set<String> self = new HashSet<>();
    InetSocketAddress bound = address();
    self.add(new HostPort(settings.listen().host(), bound.getPort()).toString());
    self.add(new HostPort(bound.getAddress().getHostAddress(), bound.getPort()).toString());
    if (bound.getAddress().isAnyLocalAddress() || bound.getAddress().isLoopbackAddress()) {
      self.add("127.0.0.1:" + bound.getPort());
      self.add("localhost:" + bound.getPort());
    }
    return self;
  }

  /** The address the proxy listens on. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.address();
  }

  /** The route table in use. */
  public RouteTable table() {
    return router.table();
  }

  /**
   * Swaps in a new route table. Requests already started finish on the table they started with.
   *
   * @throws IllegalArgumentException if the table was compiled for another cloud
   */
  public synchronized void swap(RouteTable table) {
    if (!table.localCloud().equals(settings.cloud())) {
      throw new IllegalArgumentException("route table compiled for " + table.localCloud()
          + ", proxy runs for " + settings.cloud());
    }
    ScopeRouter current = router;
    router = new ScopeRouter(table, settings.allowed(), current.self());
  }

  /** Completes when the proxy has stopped. */
  public Mono<Void> onDispose() {
    return server.onDispose();
  }

  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(5));
    pool.disposeLater().block(Duration.ofSeconds(5));
  }

  private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
    Exchange exchange = new Exchange(request.method().name(), ScopeRouter.pathOnly(request.uri()), System.nanoTime());
    ScopeRouter router = this.router; // one table for the whole exchange, even across a reload
    Route route;
    try {
      route = decide(router, request);
    } catch (ProxyException e) {
      return Mono.from(fail(response, exchange, e.error())).doFinally(s -> log(exchange));
    }
    if (!route.passThrough()) {
      exchange.service = route.serviceType();
      exchange.cloud = route.cloud();
    }
    return forward(router, request, response, route, exchange).doFinally(s -> log(exchange));
  }

  private Route decide(ScopeRouter router, HttpServerRequest request) {
    HttpHeaders headers = request.requestHeaders();
    if (rules.isLoop(headers)) throw new ProxyException(new ProxyError.Loop(settings.viaName()));
    if (request.method().equals(HttpMethod.CONNECT)) {
      throw new ProxyException(new ProxyError.ConnectNotAllowed(request.uri()));
    }
    if (HeaderRules.hasAmbiguousFraming(headers)) throw new ProxyException(new ProxyError.AmbiguousFraming());
    RequestTarget target = RequestTarget.of(request.uri(), headers.get(HttpHeaderNames.HOST));
    if (target == null) throw new ProxyException(new ProxyError.NoService("(no Host)", request.uri()));
    return router.route(target, headers);
  }

  private Mono<Void> forward(ScopeRouter router, HttpServerRequest request, HttpServerResponse response, Route route, Exchange exchange) {
    HttpHeaders upstreamHeaders = rules.upstreamRequest(
        request.requestHeaders(), route, router.table(), clientAddress(request.remoteAddress()));
    boolean hasBody = hasBody(request.requestHeaders());
    Mono<Void> call = client
        .request(request.method())
        .uri("http://" + route.upstream() + route.pathAndQuery())
        .send((upstreamRequest, out) -> {
          upstreamRequest.headers(upstreamHeaders);
          upstreamRequest.header(HttpHeaderNames.HOST, route.host());
          out.withConnection(connection -> {
            var pipeline = connection.channel().pipeline();
            if (pipeline.get(AbsoluteForm.NAME) == null) {
              pipeline.addBefore(NettyPipeline.ReactiveBridge, AbsoluteForm.NAME, AbsoluteForm.INSTANCE);
            }
            connection.channel().attr(AbsoluteForm.URI).set(route.absoluteUri());
          });
          return hasBody ? out.send(request.receive().retain()) : out;
        })
        .response((upstreamResponse, body) -> {
          exchange.responseStarted = true;
          exchange.status = upstreamResponse.status().code();
          response.status(upstreamResponse.status());
          HttpHeaders headers = rules.downstreamResponse(upstreamResponse.responseHeaders());
          if (mustChunk(request, upstreamResponse.status().code(), headers)) {
            // Explicit chunking: a body cut short then lacks its last chunk, and the client knows.
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
          }
          response.headers(headers);
          return response.send(body.retain().doOnNext(chunk -> exchange.bytes += chunk.readableBytes()));
        })
        .then();
    if (!hasBody && IDEMPOTENT.contains(request.method())) {
      // A pooled connection the upstream closed while idle fails before any response: retry once.
      call = call.retryWhen(Retry.max(1).filter(e -> !exchange.responseStarted && e instanceof PrematureCloseException));
    }
    return call.onErrorResume(error -> {
      if (exchange.responseStarted) {
        // Headers are out: the only honest signal left is to cut the connection.
        LOG.warn("upstream {} failed mid-response after {} bytes ({}); closing the client connection",
            route.describeUpstream(), exchange.bytes, describe(error));
        response.withConnection(connection -> connection.channel().close());
        // Propagating the error also stops reactor-netty from finishing the response cleanly.
        return Mono.error(error);
      }
      return Mono.from(fail(response, exchange, upstreamError(error, route)));
    });
  }

  /**
   * Whether a response must be sent chunked: it has a body of unknown length and the client speaks
   * HTTP/1.1. Left to itself, reactor-netty would delimit such a body by closing the connection,
   * and a truncated body would then look complete.
   */
  private static boolean mustChunk(HttpServerRequest request, int status, HttpHeaders headers) {
    return !headers.contains(HttpHeaderNames.CONTENT_LENGTH)
        && request.version().equals(HttpVersion.HTTP_1_1)
        && !request.method().equals(HttpMethod.HEAD)
        && status >= 200 && status != 204 && status != 304;
  }

  private static boolean hasBody(HttpHeaders headers) {
    String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
    return headers.contains(HttpHeaderNames.TRANSFER_ENCODING) || (length != null && !length.strip().equals("0"));
  }

  private ProxyError upstreamError(Throwable error, Route route) {
    Throwable cause = error instanceof ProxyException ? error : unwrap(error);
    String upstream = route.describeUpstream();
    if (cause instanceof ProxyException e) return e.error();
    if (cause instanceof ConnectTimeoutException) {
      return new ProxyError.UpstreamTimeout(upstream, "accept the connection", settings.connectTimeout());
    }
    if (cause instanceof ReadTimeoutException) {
      return new ProxyError.UpstreamTimeout(upstream, "answer", settings.responseTimeout());
    }
    if (cause instanceof ConnectException) return new ProxyError.UpstreamUnavailable(upstream, "connection refused");
    if (cause instanceof PrematureCloseException) {
      return new ProxyError.UpstreamUnavailable(upstream, "connection closed before the response");
    }
    if (!(cause instanceof IOException)) LOG.warn("unexpected upstream failure for {}", upstream, cause);
    return new ProxyError.UpstreamUnavailable(upstream, describe(cause));
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause
        && !(cause instanceof ConnectException) && !(cause instanceof ReadTimeoutException)) {
      cause = cause.getCause();
    }
    return cause instanceof ConnectException || cause instanceof ReadTimeoutException
        || cause instanceof PrematureCloseException ? cause : error;
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private Publisher<Void> fail(HttpServerResponse response, Exchange exchange, ProxyError error) {
    exchange.status = error.status();
    return ErrorResponses.send(response, error, rules.viaEntry());
  }

  private static String clientAddress(SocketAddress address) {
    return address instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : String.valueOf(address);
  }

  private static void log(Exchange exchange) {
    if (ACCESS.isInfoEnabled()) ACCESS.info(exchange.logLine(System.nanoTime()));
  }
}
