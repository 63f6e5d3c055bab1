package io.oscope.proxy;

import com.sun.management.UnixOperatingSystemMXBean;
import io.oscope.exchange.PeerTrust;
import io.oscope.fanout.FanOutSettings;
import io.oscope.pool.PoolSettings;
import io.oscope.routes.HostPort;
import io.oscope.tls.TlsSettings;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * How one proxy runs, apart from its route table. Start from the defaults and change what differs:
 *
 * <pre>{@code
 * ProxySettings settings = ProxySettings.of("CloudOne", listen).toBuilder().responseTimeout(Duration.ofSeconds(5)).build();
 * }</pre>
 *
 * @param cloud the proxy's own cloud: services the scope does not name are served here
 * @param listen the address to listen on (port 0 picks a free one)
 * @param allowed extra {@code host:port} destinations a request matching no service may go to
 * @param connectTimeout how long to wait for an upstream connection
 * @param responseTimeout how long to wait for upstream response headers, and between reads after
 * @param maxIdle how long a keep-alive connection may stay idle between requests: a client's, or an
 *     upstream one in the pool
 * @param viaName this proxy's name in {@code Via} headers; also how it recognises loops
 * @param peerTrust cross-cloud token validation settings, or {@code null} when it is off
 * @param accessLog how requests are logged on logger {@code oscope.access}
 * @param pools how the members of upstream pools are balanced, checked and retried
 * @param tls TLS on the frontend and toward https upstreams
 * @param clients what one client, and all of them together, may hold of the proxy
 * @param maxUpstreamConnections how many connections to one upstream address may be in use at a
 *     time, across event loops (idle pooled ones do not count); a request beyond gets a 503 at once
 * @param trustedHops direct peers whose forwarding headers are passed on, besides the other clouds'
 *     proxies; from any other, {@code X-Forwarded-*} are replaced and {@code Forwarded} dropped
 * @param proxyProtocol whether every client connection starts with a PROXY protocol header (v1 or
 *     v2), whose source is the client's address; one without is closed (see {@link ProxyHeader})
 * @param fanOut how {@code &} scopes fan out: failure policy, per-cloud deadline, marker key
 * @param traces where the spans of requests go, an OTLP/HTTP traces URL ({@link
 *     io.oscope.tracing.Tracing#endpoint}); null, the default, when tracing is off
 */
public record ProxySettings(
    String cloud,
    HostPort listen,
    Set<String> allowed,
    Duration connectTimeout,
    Duration responseTimeout,
    Duration maxIdle,
    String viaName,
    PeerTrust peerTrust,
    AccessLog accessLog,
    PoolSettings pools,
    TlsSettings tls,
    ClientLimits clients,
    int maxUpstreamConnections,
    TrustedHops trustedHops,
    boolean proxyProtocol,
    FanOutSettings fanOut,
    URI traces) {

  /** The default of {@link #maxUpstreamConnections}: Envoy's for a cluster's connections. */
  public static final int MAX_UPSTREAM_CONNECTIONS = 1024;

  /** The access log's format: a text line, a JSON object per line, or nothing. */
  public enum AccessLog { TEXT, JSON, OFF }

  /**
   * Bounds on what clients hold, in the spirit of HAProxy's {@code timeout http-request} and
   * {@code maxconn} and nginx's {@code client_body_timeout}.
   *
   * @param headTimeout how long a request head may take to arrive whole, from its first byte (408 after)
   * @param bodyTimeout how long a request body may stall while the proxy reads it (408, or the
   *     connection cut once the response started)
   * @param maxConnections client connections at once; beyond, the proxy stops accepting until one closes
   * @param headBudget bytes of request heads held at once across connections; beyond, connections
   *     wait before reading their next request
   */
  public record ClientLimits(Duration headTimeout, Duration bodyTimeout, int maxConnections, long headBudget) {
    public ClientLimits {
      requirePositive("head timeout", headTimeout);
      requirePositive("body timeout", bodyTimeout);
      if (maxConnections < 1) throw new IllegalArgumentException("max connections must be at least 1, got " + maxConnections);
      if (headBudget < 1) throw new IllegalArgumentException("head budget must be positive, got " + headBudget);
    }

    /**
     * 10 s per head, 60 s of body stall, heads up to a quarter of the heap, and as many connections
     * as the file descriptors allow with one upstream connection each, 4096 at most.
     */
    public static ClientLimits defaults() {
      return new ClientLimits(Duration.ofSeconds(10), Duration.ofSeconds(60), defaultMaxConnections(),
          Math.max(1 << 20, Runtime.getRuntime().maxMemory() / 4));
    }

    /**
     * Half the file descriptors this process may open, less a reserve for upstream pools, health
     * checks, logs and the admin listener: a client connection may need an upstream one, and a
     * proxy out of descriptors fails everyone (HAProxy derives its maxconn from the limit too).
     */
    public static int defaultMaxConnections() {
      long descriptors = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
          ? unix.getMaxFileDescriptorCount() : 8192;
      return (int) Math.max(16, Math.min(4096, (descriptors - 256) / 2));
    }
  }

  /** Without the PROXY protocol, fan-out settings (the defaults) and tracing. */
  public ProxySettings(String cloud, HostPort listen, Set<String> allowed, Duration connectTimeout,
      Duration responseTimeout, Duration maxIdle, String viaName, PeerTrust peerTrust, AccessLog accessLog,
      PoolSettings pools, TlsSettings tls, ClientLimits clients, int maxUpstreamConnections, TrustedHops trustedHops) {
    this(cloud, listen, allowed, connectTimeout, responseTimeout, maxIdle, viaName, peerTrust, accessLog, pools, tls,
        clients, maxUpstreamConnections, trustedHops, false, null, null);
  }

  public ProxySettings {
    if (fanOut == null) fanOut = FanOutSettings.defaults();
    allowed = Set.copyOf(new TreeSet<>(allowed));
    if (accessLog == null) accessLog = AccessLog.TEXT;
    if (pools == null) pools = PoolSettings.defaults();
    if (tls == null) tls = TlsSettings.none();
    if (clients == null) clients = ClientLimits.defaults();
    if (trustedHops == null) trustedHops = TrustedHops.none();
    requirePositive("connect timeout", connectTimeout);
    requirePositive("response timeout", responseTimeout);
    requirePositive("idle time", maxIdle);
    if (maxUpstreamConnections < 1) {
      throw new IllegalArgumentException("max upstream connections must be at least 1, got " + maxUpstreamConnections);
    }
    if (viaName == null || viaName.isBlank() || viaName.contains(" ") || viaName.contains(",")) {
      throw new IllegalArgumentException("Via name '" + viaName + "' must be one token");
    }
  }

  /**
   * Defaults: 10 s to connect, 60 s for response headers, 30 s idle, Via name {@code oscope-<cloud>},
   * 1024 connections in use per upstream address.
   */
  public static ProxySettings of(String cloud, HostPort listen) {
    return new ProxySettings(cloud, listen, Set.of(), Duration.ofSeconds(10), Duration.ofSeconds(60),
        Duration.ofSeconds(30), "oscope-" + cloud, null, AccessLog.TEXT, PoolSettings.defaults(), TlsSettings.none(),
        ClientLimits.defaults(), MAX_UPSTREAM_CONNECTIONS, TrustedHops.none(), false, null, null);
  }

  /** How long a request head may take to arrive. */
  public Duration headTimeout() {
    return clients.headTimeout();
  }

  /** How long a request body may stall. */
  public Duration bodyTimeout() {
    return clients.bodyTimeout();
  }

  /** These settings, to change some. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes some of a {@link ProxySettings}' values; {@link #build()} checks them all. */
  public static final class Builder {
    private String cloud;
    private HostPort listen;
    private Set<String> allowed;
    private Duration connectTimeout;
    private Duration responseTimeout;
    private Duration maxIdle;
    private String viaName;
    private PeerTrust peerTrust;
    private AccessLog accessLog;
    private PoolSettings pools;
    private TlsSettings tls;
    private ClientLimits clients;
    private int maxUpstreamConnections;
    private TrustedHops trustedHops;
    private boolean proxyProtocol;
    private FanOutSettings fanOut;
    private URI traces;

    private Builder(ProxySettings from) {
      cloud = from.cloud;
      listen = from.listen;
      allowed = from.allowed;
      connectTimeout = from.connectTimeout;
      responseTimeout = from.responseTimeout;
      maxIdle = from.maxIdle;
      viaName = from.viaName;
      peerTrust = from.peerTrust;
      accessLog = from.accessLog;
      pools = from.pools;
      tls = from.tls;
      clients = from.clients;
      maxUpstreamConnections = from.maxUpstreamConnections;
      trustedHops = from.trustedHops;
      proxyProtocol = from.proxyProtocol;
      fanOut = from.fanOut;
      traces = from.traces;
    }

    public Builder allowed(Set<String> value) {
      allowed = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    public Builder responseTimeout(Duration value) {
      responseTimeout = value;
      return this;
    }

    public Builder maxIdle(Duration value) {
      maxIdle = value;
      return this;
    }

    public Builder viaName(String value) {
      viaName = value;
      return this;
    }

    public Builder peerTrust(PeerTrust value) {
      peerTrust = value;
      return this;
    }

    public Builder accessLog(AccessLog value) {
      accessLog = value;
      return this;
    }

    public Builder pools(PoolSettings value) {
      pools = value;
      return this;
    }

    public Builder tls(TlsSettings value) {
      tls = value;
      return this;
    }

    public Builder clients(ClientLimits value) {
      clients = value;
      return this;
    }

    public Builder maxUpstreamConnections(int value) {
      maxUpstreamConnections = value;
      return this;
    }

    public Builder trustedHops(TrustedHops value) {
      trustedHops = value;
      return this;
    }

    public Builder proxyProtocol(boolean value) {
      proxyProtocol = value;
      return this;
    }

    public Builder fanOut(FanOutSettings value) {
      fanOut = value;
      return this;
    }

    public Builder traces(URI value) {
      traces = value;
      return this;
    }

    public ProxySettings build() {
      return new ProxySettings(cloud, listen, allowed, connectTimeout, responseTimeout, maxIdle, viaName, peerTrust,
          accessLog, pools, tls, clients, maxUpstreamConnections, trustedHops, proxyProtocol, fanOut, traces);
    }
  }

  private static void requirePositive(String what, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + value);
    }
  }
}
