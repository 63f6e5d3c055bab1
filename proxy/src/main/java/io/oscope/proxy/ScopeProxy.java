package io.oscope.proxy;

import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutException;
import io.oscope.metrics.ProxyMetrics;
import io.oscope.pool.Balancer;
import io.oscope.pool.HealthChecker;
import io.oscope.routes.ServiceEntry;
import io.oscope.tls.TlsContexts;
import java.io.IOException;
import java.security.GeneralSecurityException;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteTable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
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
import reactor.netty.resources.LoopResources;
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
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final ProxySettings settings;
  private final HeaderRules rules;
  private final Forwarder forwarder;
  private final ProxyMetrics metrics = new ProxyMetrics();
  private final Balancer balancer;
  private final TlsContexts tls;
  /**
   * One event loop per CPU the JVM may use, shared by the server and the upstream client, where
   * reactor-netty would start at least four: on a proxy pinned to one core, four loops only hand
   * work to each other (measured in BENCHMARKS.md).
   */
  private final LoopResources loops =
      LoopResources.create("oscope", Math.max(1, Runtime.getRuntime().availableProcessors()), true);
  private HealthChecker healthChecker;
  private volatile ScopeRouter router;
  private DisposableServer server;

  private ScopeProxy(RouteTable table, ProxySettings settings) {
    this.settings = settings;
    this.rules = new HeaderRules(settings.viaName(), settings.tls().serverTls() ? "https" : "http");
    this.balancer = new Balancer(settings.pools());
    try {
      this.tls = TlsContexts.of(settings.tls());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the TLS certificates or keys: " + e.getMessage(), e);
    }
    this.forwarder = new Forwarder(settings, rules, balancer, tls, loops);
    this.router = new ScopeRouter(table, settings.allowed(), Set.of());
  }

  /** Starts a proxy for {@code table} as {@code settings} say; fails if the address is taken. */
  public static ScopeProxy start(RouteTable table, ProxySettings settings) {
    if (!table.localCloud().equals(settings.cloud())) {
      throw new IllegalArgumentException("route table compiled for " + table.localCloud()
          + ", proxy runs for " + settings.cloud());
    }
    ScopeProxy proxy = new ScopeProxy(table, settings);
    proxy.server = proxy.tls.secure(HttpServer.create().runOn(proxy.loops))
        .host(settings.listen().host())
        .port(settings.listen().port())
        .httpRequestDecoder(spec -> spec.maxHeaderSize(MAX_HEADER_BYTES))
        // With a channel group, disposeNow waits for requests in flight instead of cutting them.
        .channelGroup(new DefaultChannelGroup(GlobalEventExecutor.INSTANCE))
        .doOnConnection(connection -> {
          Runnable closed = proxy.metrics.connectionOpened();
          connection.onDispose(closed::run);
        })
        .handle(proxy::handle)
        .bindNow();
    proxy.router = new ScopeRouter(table, settings.allowed(), proxy.selfAddresses());
    proxy.metrics.routeTable(table.version(), Instant.now());
    proxy.healthChecker = new HealthChecker(proxy.balancer, proxy::checkedAddresses).start();
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
    metrics.routeTable(table.version(), Instant.now());
  }

  /** Completes when the proxy has stopped. */
  public Mono<Void> onDispose() {
    return server.onDispose();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  /**
   * Stops gracefully: stops accepting connections, lets requests in flight finish within
   * {@code grace}, closes idle keep-alive connections, then the upstream pool.
   */
  public void close(Duration grace) {
    healthChecker.close();
    server.disposeNow(grace);
    forwarder.close();
    loops.disposeLater().block(Duration.ofSeconds(5));
  }

  private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
    Exchange exchange = new Exchange(request.method().name(), ScopeRouter.pathOnly(request.uri()),
        clientAddress(request.remoteAddress()), System.nanoTime());
    ScopeRouter router = this.router; // one table for the whole exchange, even across a reload
    Route route;
    try {
      route = decide(router, request);
    } catch (ProxyException e) {
      if (e.serviceType() != null) exchange.service = e.serviceType();
      return Mono.from(fail(response, exchange, e.error())).doFinally(s -> log(exchange));
    } catch (RuntimeException e) {
      // A bug of ours: the client still gets an answer, and the log the stack (never a header).
      LOG.error("internal error deciding the route of {} {}", exchange.method, exchange.path, e);
      return Mono.from(fail(response, exchange, new ProxyError.Internal())).doFinally(s -> log(exchange));
    }
    if (!route.passThrough()) {
      exchange.service = route.serviceType();
      exchange.cloud = route.cloud();
    }
    return forwarder.forward(router, request, response, route, exchange)
        .onErrorResume(ProxyException.class, e -> Mono.from(fail(response, exchange, e.error())))
        .doFinally(s -> log(exchange));
  }

  private Route decide(ScopeRouter router, HttpServerRequest request) {
    HttpHeaders headers = request.requestHeaders();
    if (rules.isLoop(headers)) throw new ProxyException(new ProxyError.Loop(settings.viaName()));
    if (request.method().equals(HttpMethod.CONNECT)) {
      throw new ProxyException(new ProxyError.ConnectNotAllowed(request.uri()));
    }
    // Netty's RFC 9112 decoder refuses such a request before this handler runs; this guards
    // against a decoder configured otherwise.
    if (HeaderRules.hasAmbiguousFraming(headers)) throw new ProxyException(new ProxyError.AmbiguousFraming());
    RequestTarget target = RequestTarget.of(request.uri(), headers.get(HttpHeaderNames.HOST));
    if (target == null) throw new ProxyException(new ProxyError.NoService("(no Host)", request.uri()));
    return router.route(target, headers);
  }

  /** What the health checker checks: the own cloud's backends and the other clouds' proxies. */
  private Collection<HostPort> checkedAddresses() {
    RouteTable table = router.table();
    Set<HostPort> addresses = new LinkedHashSet<>();
    for (ServiceEntry entry : table.entries()) {
      if (entry.cloud().equals(table.localCloud())) {
        if (entry.backend() != null) addresses.addAll(entry.backend().addresses());
      } else {
        addresses.addAll(entry.frontend().addresses());
      }
    }
    return addresses;
  }

  /** Reads the TLS certificates and keys again; on failure the current ones stay in use. */
  public void reloadTls() {
    try {
      tls.reload();
    } catch (IOException | GeneralSecurityException e) {
      LOG.error("TLS certificates not reloaded, keeping the current ones: {}", e.getMessage());
    }
  }

  /** Completes once the first health checks of every upstream address are done. */
  public Mono<Void> firstHealthChecks() {
    return healthChecker.firstRound();
  }

  /** The state of every upstream address, for the admin listener. */
  public Balancer balancer() {
    return balancer;
  }

  /** The proxy's metrics, for the admin listener. */
  public ProxyMetrics metrics() {
    return metrics;
  }

  private Publisher<Void> fail(HttpServerResponse response, Exchange exchange, ProxyError error) {
    exchange.status = error.status();
    byte[] body = ErrorResponses.body(error);
    exchange.bytes = body.length;
    if (error instanceof ProxyError.MalformedScope) metrics.scopeError("malformed_scope");
    else if (error instanceof ProxyError.UnknownCloud) metrics.scopeError("unknown_cloud");
    else if (error instanceof ProxyError.ServiceNotInCloud) metrics.scopeError("service_not_in_cloud");
    else if (error instanceof ProxyError.UpstreamUnavailable) metrics.upstreamError("unavailable");
    else if (error instanceof ProxyError.UpstreamTimeout) metrics.upstreamError("timeout");
    else if (error instanceof ProxyError.NoHealthyUpstream) metrics.upstreamError("all_down");
    return ErrorResponses.send(response, error, body, rules.viaEntry());
  }

  private static String clientAddress(SocketAddress address) {
    return address instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : String.valueOf(address);
  }

  private void log(Exchange exchange) {
    long end = System.nanoTime();
    metrics.request(exchange.serviceOrNull(), exchange.cloudOrNull(), exchange.status, exchange.bytes, end - exchange.startNanos);
    if (!ACCESS.isInfoEnabled()) return;
    switch (settings.accessLog()) {
      case TEXT -> ACCESS.info(exchange.logLine(end));
      case JSON -> ACCESS.info(exchange.logJson(end));
      case OFF -> { }
    }
  }
}
