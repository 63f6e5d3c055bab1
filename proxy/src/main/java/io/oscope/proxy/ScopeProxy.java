package io.oscope.proxy;

import io.oscope.http1.Http1Limits;
import io.oscope.http1.RequestDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Ticker;
import io.oscope.exchange.TokenExchange;
import io.oscope.logging.AccessLog;
import io.oscope.metrics.ProxyMetrics;
import io.oscope.pool.Balancer;
import io.oscope.pool.HealthChecker;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceEntry;
import io.oscope.tls.TlsContexts;
import io.oscope.tenant.TenantGate;
import io.oscope.tracing.RequestIds;
import io.oscope.tracing.Tracing;
import io.oscope.upstream.Transport;
import io.oscope.upstream.UpstreamChannels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One scope-routing proxy: an HTTP server that forwards every request to the local backend of its
 * service or to the proxy of the cloud its scope names, streaming bodies both ways.
 *
 * <pre>{@code
 * try (ScopeProxy proxy = ScopeProxy.start(RouteTable.load(file, "CloudOne"),
 *     ProxySettings.of("CloudOne", HostPort.parse("0.0.0.0:8888")))) {
 *   // serve until proxy.close(Duration.ofSeconds(30)) is called
 * }
 * }</pre>
 *
 * <p>The forwarding path is plain Netty: a {@link ClientConnection} per client connection, a
 * {@link Forwarding} per request, upstream connections from {@link UpstreamChannels} on the same
 * event loop. BENCHMARKS.md tells why it is not reactor-netty's server and client.
 */
public final class ScopeProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScopeProxy.class);

  private final ProxySettings settings;
  private final ProxyContext context;
  private final RequestPipeline pipeline;
  private final UpstreamChannels upstreams;
  private final TokenExchange tokenExchange;
  private final ProxyMetrics metrics;
  private final Balancer balancer;
  private final TlsContexts tls;
  private final SslContext serverTls;
  private final Transport transport = Transport.best();
  /** What makes the spans of requests, or null when tracing is off. */
  private final Tracing tracing;
  /**
   * One event loop per CPU the JVM may use, shared by client and upstream connections: on a proxy
   * pinned to one core, more loops only hand work to each other (measured in BENCHMARKS.md).
   */
  private final EventLoopGroup loops;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final CompletableFuture<Void> disposed = new CompletableFuture<>();
  private HealthChecker healthChecker;
  private final AtomicReference<ScopeRouter> router = new AtomicReference<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile Channel server;
  private final HeadBudget headBudget;
  /** Client connections open; at the limit, accepting pauses. */
  private final AtomicInteger open = new AtomicInteger();

  private ScopeProxy(RouteTable table, ProxySettings settings, Ticker ticker, TenantGate tenants, Tracing tracing) {
    this.settings = settings;
    this.tracing = tracing;
    this.balancer = new Balancer(settings.pools());
    this.metrics = new ProxyMetrics(settings.maxUpstreamConnections());
    try {
      this.tls = TlsContexts.of(settings.tls());
      this.serverTls = tls.server();
      // The upstream context at start only when something asks for it: else at the first https need
      // (a route file reloaded with one), not paying JSSE's start (BENCHMARKS.md, "Start-up and size").
      if (tls.upstreamConfigured() || table.upstreams().containsValue(true)) tls.upstream();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the TLS certificates or keys: " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException("cannot read the TLS certificates or keys: " + e.getCause().getMessage(), e);
    }
    this.loops = transport.loops(Math.max(1, Runtime.getRuntime().availableProcessors()), "oscope-loop");
    this.upstreams = new UpstreamChannels(transport, settings.connectTimeout(), settings.maxIdle(),
        settings.maxUpstreamConnections(), tls::upstream, ticker);
    this.tokenExchange = settings.peerTrust() == null ? null
        : TokenExchange.start(settings.cloud(), settings.peerTrust(), settings.maxIdle(), settings.responseTimeout());
    HeaderRules rules = new HeaderRules(settings.cloud(), settings.viaName(), settings.tls().serverTls() ? "https" : "http",
        settings.trustedHops());
    this.context = new ProxyContext(settings, rules, balancer, upstreams, tokenExchange, metrics, AccessLog.configured(),
        RequestIds.random(), tracing, ticker, router, closing, tenants);
    this.pipeline = new RequestPipeline(context);
    this.headBudget = new HeadBudget(settings.clients().headBudget());
    router.set(new ScopeRouter(table, settings.allowed(), Set.of()));
  }

  /** Starts a proxy for {@code table} as {@code settings} say; fails if the address is taken. */
  public static ScopeProxy start(RouteTable table, ProxySettings settings) {
    return start(table, settings, Ticker.systemTicker());
  }

  /**
   * {@link #start(RouteTable, ProxySettings)} with deadlines measured by {@code ticker}; with
   * {@link ProxySettings#traces()}, spans go there by OTLP.
   */
  public static ScopeProxy start(RouteTable table, ProxySettings settings, Ticker ticker) {
    return start(table, settings, ticker, null);
  }

  /**
   * {@link #start(RouteTable, ProxySettings, Ticker)} with a tenant policy: {@code tenants} refuses
   * the writes of projects in maintenance; {@code null} for none. With {@link ProxySettings#traces()},
   * spans go there by OTLP.
   */
  public static ScopeProxy start(RouteTable table, ProxySettings settings, Ticker ticker, TenantGate tenants) {
    URI traces = settings.traces();
    return start(table, settings, ticker, tenants,
        traces == null ? null : Tracing.otlp(traces, settings.viaName(), settings.cloud()));
  }

  /**
   * {@link #start(RouteTable, ProxySettings, Ticker, TenantGate)} with the spans of requests made
   * by {@code tracing} (whatever {@link ProxySettings#traces()} says), which the proxy closes when
   * it stops; null for none.
   */
  public static ScopeProxy start(RouteTable table, ProxySettings settings, Ticker ticker, TenantGate tenants,
      Tracing tracing) {
    if (!table.localCloud().equals(settings.cloud())) {
      if (tracing != null) tracing.close();
      throw new IllegalArgumentException("route table compiled for " + table.localCloud()
          + ", proxy runs for " + settings.cloud());
    }
    ScopeProxy proxy = new ScopeProxy(table, settings, ticker, tenants, tracing);
    try {
      proxy.bind();
    } catch (RuntimeException e) {
      proxy.loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      proxy.closeUpstreams();
      if (tracing != null) tracing.close();
      throw e;
    }
    proxy.router.set(new ScopeRouter(table, settings.allowed(), proxy.selfAddresses()));
    proxy.metrics.routeTable(table.version(), Instant.now());
    proxy.healthChecker = new HealthChecker(proxy.balancer, proxy::checkedAddresses, proxy.tls::upstream).start();
    LOG.info("{} proxy listening on {} ({}) with route table {} ({} clouds: {})", settings.cloud(),
        proxy.address(), proxy.transport.name(), table.version(), table.clouds().size(),
        String.join(", ", table.clouds()));
    return proxy;
  }

  private void bind() {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(loops)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.ALLOCATOR, Transport.BUFFERS)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel channel) {
            if (settings.proxyProtocol() && !ProxyHeader.install(channel, settings.trustedHops())) {
              channel.close();
              return;
            }
            connections.add(channel);
            countConnection(channel);
            if (serverTls != null) channel.pipeline().addLast(serverTls.newHandler(channel.alloc()));
            // The decoder also refuses what RFC 9112 says a proxy must not forward, such as a request
            // with both Content-Length and Transfer-Encoding (ClientConnection answers it with a 400).
            // No encoder: responses go out as bytes (ResponseHead, ErrorMapper). Idle connections
            // are closed by the Deadlines sweep, not a handler that reads the clock on every read.
            RequestDecoder decoder = new RequestDecoder(Http1Limits.defaults());
            channel.pipeline().addLast(decoder);
            channel.pipeline().addLast(new ClientConnection(context, pipeline, decoder, headBudget));
          }
        });
    var bound = bootstrap.bind(settings.listen().host(), settings.listen().port()).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      Throwable cause = bound.cause();
      throw new UncheckedIOException("cannot listen on " + settings.listen() + ": " + cause.getMessage(),
          cause instanceof IOException io ? io : new IOException(cause));
    }
    server = bound.channel();
    if (settings.proxyProtocol()) {
      LOG.info("every connection must start with a PROXY protocol header, believed from {}",
          settings.trustedHops().specs().isEmpty() ? "any peer" : String.join(", ", settings.trustedHops().specs()));
    }
  }

  /**
   * Counts a new client connection; at the limit, stops accepting until one closes: the kernel's
   * backlog holds new connections meanwhile, and nobody's requests fail.
   */
  private void countConnection(Channel channel) {
    int max = settings.clients().maxConnections();
    if (open.incrementAndGet() >= max) server.config().setAutoRead(false);
    channel.closeFuture().addListener(closed -> {
      if (open.decrementAndGet() < max && !closing.get() && !server.config().isAutoRead()) {
        server.config().setAutoRead(true);
      }
    });
  }

  /**
   * Checks every client connection's deadlines now, on each event loop, and waits for it: what the
   * periodic sweep does, for tests that move the clock instead of waiting.
   */
  public void checkDeadlines() {
    for (var loop : loops) {
      loop.submit(() -> {
        Deadlines deadlines = Deadlines.current();
        if (deadlines != null) deadlines.sweep();
      }).syncUninterruptibly();
    }
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
    return (InetSocketAddress) server.localAddress();
  }

  /** The context requests to https upstreams use (made at its first use). */
  public SslContext upstreamTls() {
    return tls.upstream();
  }

  /** The route table in use. */
  public RouteTable table() {
    return router.get().table();
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
    // An https upstream now: its TLS context made here, not by an event loop at its first connection.
    if (table.upstreams().containsValue(true)) tls.upstream();
    router.set(new ScopeRouter(table, settings.allowed(), router.get().self()));
    metrics.routeTable(table.version(), Instant.now());
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  /**
   * Stops gracefully: stops accepting connections, closes idle keep-alive connections, lets
   * requests in flight finish within {@code grace} (their responses say {@code Connection: close}),
   * then closes what is left and the upstream connections.
   */
  public void close(Duration grace) {
    if (!closing.compareAndSet(false, true)) {
      disposed.join();
      return;
    }
    healthChecker.close();
    server.close().awaitUninterruptibly();
    for (Channel connection : connections) {
      connection.eventLoop().execute(() -> {
        ClientConnection client = connection.pipeline().get(ClientConnection.class);
        if (client != null) client.closeWhenIdle();
        else connection.close();
      });
    }
    // Closed connections leave the group: waiting for those there now to close is waiting for all.
    if (!connections.newCloseFuture().awaitUninterruptibly(grace.toMillis())) {
      LOG.warn("{} connections still busy after {}: closing them", connections.size(), grace);
    }
    connections.close().awaitUninterruptibly();
    closeUpstreams();
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    if (tracing != null) tracing.close(); // every span ended with the loops: export what is batched
    metrics.close();
    disposed.complete(null);
  }

  private void closeUpstreams() {
    upstreams.close();
    if (tokenExchange != null) tokenExchange.close();
  }

  /**
   * What the health checker checks: the own cloud's backends and the other clouds' proxies, each
   * with whether its pool speaks TLS.
   */
  /**
   * Every metric in Prometheus' text format, the per-address ones first brought in step with the
   * table in use: an address that left the route file has no series left.
   */
  public String scrapeMetrics() {
    metrics.upstreams(checkedAddresses().keySet().stream().map(balancer::member).toList(), upstreams::load);
    metrics.failoverRoutes(router.get().table().entries().stream().collect(Collectors.groupingBy(
        ServiceEntry::serviceType, Collectors.mapping(ServiceEntry::cloud, Collectors.toCollection(TreeSet::new)))));
    return metrics.scrape();
  }

  private Map<HostPort, Boolean> checkedAddresses() {
    return router.get().table().upstreams();
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

  /**
   * The event loops that did not start a no-op within {@code bound}, as "event loop N of M"; empty
   * when every loop is responsive. A wedged loop stalls every connection it serves: the admin
   * listener's liveness probe asks this.
   */
  public Mono<List<String>> stuckLoops(Duration bound) {
    List<EventExecutor> all = new ArrayList<>();
    loops.forEach(all::add);
    return Flux.range(0, all.size())
        .flatMap(i -> {
          String name = "event loop " + (i + 1) + " of " + all.size();
          return Mono.<String>create(ran -> {
            try {
              all.get(i).execute(ran::success);
            } catch (RejectedExecutionException e) {
              ran.success(name); // shut down
            }
          }).timeout(bound, Mono.just(name));
        })
        .collectList();
  }
}
