package io.oscope.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.Ticker;
import io.oscope.routes.HostPort;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Upstream connections, kept open between requests. Each event loop has its own idle
 * connections, so a request and its upstream connection share one thread and nothing is locked;
 * a sweep closes those idle longer than {@code maxIdle}, by {@code ticker}'s time. Host names are
 * resolved without blocking the event loop (Netty's DNS resolver, which reads {@code /etc/hosts}
 * first).
 *
 * <p>At most {@code maxConnections} connections to one address are in use at a time, counted
 * across event loops; idle ones in the pools do not count, as with nginx's {@code max_conns}. A
 * request beyond that fails at once with {@link ConnectionLimitReached} rather than queue, as
 * Envoy's circuit breaker does: a backend that slow is better relieved than piled on.
 *
 * <pre>{@code
 * UpstreamChannels upstreams = new UpstreamChannels(Transport.best(), settings, tls, ticker);
 * upstreams.acquire(loop, address, false).addListener(...);
 * }</pre>
 */
public final class UpstreamChannels implements AutoCloseable {
  private final Bootstrap bootstrap;
  private final DnsAddressResolverGroup resolver;
  /** The context for https upstreams, made by its first call (see TlsContexts#upstream). */
  private final Supplier<SslContext> tls;
  private final long maxIdleNanos;
  private final int maxConnections;
  private final Ticker ticker;
  private final ConcurrentHashMap<HostPort, AddressLoad> loads = new ConcurrentHashMap<>();
  private final FastThreadLocal<Idle> idle = new FastThreadLocal<>() {
    @Override
    protected Idle initialValue() {
      return new Idle();
    }
  };

  /** The idle connections of one event loop, by address; plain and TLS apart. */
  private static final class Idle {
    final Map<HostPort, ArrayDeque<UpstreamHandler>> plain = new HashMap<>();
    final Map<HostPort, ArrayDeque<UpstreamHandler>> secure = new HashMap<>();
    boolean sweeping;

    ArrayDeque<UpstreamHandler> of(HostPort address, boolean https) {
      return (https ? secure : plain).computeIfAbsent(address, a -> new ArrayDeque<>());
    }
  }

  /**
   * The largest read from an upstream: reads grow to it while they fill their buffer, as a large
   * body's do. 256 KiB rather than Netty's 64 KiB: large bodies then cost fewer reads and less CPU
   * per byte; 1 MiB was no better (BENCHMARKS.md has the measurements).
   */
  private static final int MAX_READ_BYTES = 256 * 1024;

  /**
   * @param maxConnections how many connections to one address may be in use at a time
   * @param tls the context for https upstreams, asked for at the first https connection
   * @param ticker the clock of the idle time
   */
  public UpstreamChannels(Transport transport, Duration connectTimeout, Duration maxIdle, int maxConnections,
      Supplier<SslContext> tls, Ticker ticker) {
    if (maxConnections < 1) throw new IllegalArgumentException("max upstream connections must be positive, got " + maxConnections);
    this.tls = tls;
    this.maxIdleNanos = maxIdle.toNanos();
    this.maxConnections = maxConnections;
    this.ticker = ticker;
    this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
        .datagramChannelType(transport.datagramChannel()));
    this.bootstrap = new Bootstrap()
        .channel(transport.socketChannel())
        .resolver(resolver)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.ALLOCATOR, Transport.BUFFERS)
        .option(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES));
  }

  /**
   * A connection to {@code address} on {@code loop}: an idle one if there is one, else a new one.
   * The future fails with the connect failure, or {@link ConnectionLimitReached}.
   */
  public Future<UpstreamHandler> acquire(EventLoop loop, HostPort address, boolean https) {
    Idle mine = idle.get();
    if (!mine.sweeping) {
      mine.sweeping = true;
      long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), maxIdleNanos / 2);
      loop.scheduleAtFixedRate(() -> sweep(mine), period, period, TimeUnit.NANOSECONDS);
    }
    AddressLoad load = load(address);
    if (load.inUse.incrementAndGet() > maxConnections) {
      load.inUse.decrementAndGet();
      load.refused.increment();
      return loop.newFailedFuture(new ConnectionLimitReached(address, maxConnections));
    }
    ArrayDeque<UpstreamHandler> queue = mine.of(address, https);
    // Most recently used first: its connection is the least likely to have been closed by the server.
    for (UpstreamHandler pooled = queue.pollLast(); pooled != null; pooled = queue.pollLast()) {
      pooled.load().idle.decrementAndGet();
      if (pooled.channel().isActive()) {
        pooled.lend();
        return loop.newSucceededFuture(pooled);
      }
    }
    Promise<UpstreamHandler> promise = loop.newPromise();
    UpstreamHandler handler = new UpstreamHandler(this, address, https, load);
    Bootstrap connect = bootstrap.clone(loop).handler(new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel channel) {
        if (https) channel.pipeline().addLast(tls.get().newHandler(channel.alloc(), address.host(), address.port()));
        // No codec: request heads are written as bytes (HeaderRules), responses read from the bytes (UpstreamHandler).
        channel.pipeline().addLast(handler);
      }
    });
    connect.connect(address.host(), address.port()).addListener(done -> {
      if (done.isSuccess()) {
        promise.setSuccess(handler);
      } else {
        handler.failed();
        promise.setFailure(done.cause());
      }
    });
    return promise;
  }

  /** How many connections to {@code address} are in use now. */
  public int inUse(HostPort address) {
    AddressLoad load = loads.get(address);
    return load == null ? 0 : load.inUse();
  }

  /** The load of {@code address}'s connections, counted from the first request to it. */
  public AddressLoad load(HostPort address) {
    return loads.computeIfAbsent(address, a -> new AddressLoad());
  }

  /** The per-address limit of connections in use ({@code --max-upstream-connections}). */
  public int maxConnections() {
    return maxConnections;
  }

  long now() {
    return ticker.nanoTime();
  }

  /** Takes back a connection whose exchange completed cleanly, to serve the next request. */
  void pool(UpstreamHandler handler) {
    Channel channel = handler.channel();
    if (!channel.config().isAutoRead()) channel.config().setAutoRead(true);
    idle.get().of(handler.address(), handler.https()).addLast(handler);
    handler.load().idle.incrementAndGet();
  }

  /** Forgets an idle connection that the server closed. */
  void closed(UpstreamHandler handler) {
    ArrayDeque<UpstreamHandler> queue = idle.get().of(handler.address(), handler.https());
    if (queue.remove(handler)) handler.load().idle.decrementAndGet();
  }

  private void sweep(Idle mine) {
    long now = ticker.nanoTime();
    sweep(mine.plain, now);
    sweep(mine.secure, now);
  }

  private void sweep(Map<HostPort, ArrayDeque<UpstreamHandler>> byAddress, long now) {
    for (ArrayDeque<UpstreamHandler> queue : byAddress.values()) {
      for (Iterator<UpstreamHandler> it = queue.iterator(); it.hasNext(); ) {
        UpstreamHandler handler = it.next();
        if (now - handler.idleSince() >= maxIdleNanos) {
          it.remove();
          handler.load().idle.decrementAndGet();
          handler.channel().close();
        }
      }
    }
  }

  @Override
  public void close() {
    // The connections themselves close with their event loops.
    resolver.close();
  }
}
