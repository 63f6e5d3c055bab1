package io.oscope.proxy;

import io.oscope.exchange.PeerTrust;
import io.oscope.pool.PoolSettings;
import io.oscope.tls.TlsSettings;
import io.oscope.routes.HostPort;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * How one proxy runs, apart from its route table.
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
    TlsSettings tls) {

  /** The access log's format: a text line, a JSON object per line, or nothing. */
  public enum AccessLog { TEXT, JSON, OFF }

  public ProxySettings {
    allowed = Set.copyOf(new TreeSet<>(allowed));
    if (accessLog == null) accessLog = AccessLog.TEXT;
    if (pools == null) pools = PoolSettings.defaults();
    if (tls == null) tls = TlsSettings.none();
    requirePositive("connect timeout", connectTimeout);
    requirePositive("response timeout", responseTimeout);
    requirePositive("idle time", maxIdle);
    if (viaName == null || viaName.isBlank() || viaName.contains(" ") || viaName.contains(",")) {
      throw new IllegalArgumentException("Via name '" + viaName + "' must be one token");
    }
  }

  /** Defaults: 10 s to connect, 60 s for response headers, 30 s idle, Via name {@code oscope-<cloud>}. */
  public static ProxySettings of(String cloud, HostPort listen) {
    return new ProxySettings(cloud, listen, Set.of(), Duration.ofSeconds(10), Duration.ofSeconds(60),
        Duration.ofSeconds(30), "oscope-" + cloud, null, AccessLog.TEXT, PoolSettings.defaults(), TlsSettings.none());
  }

  public ProxySettings withTls(TlsSettings settings) {
    return new ProxySettings(cloud, listen, allowed, connectTimeout, responseTimeout, maxIdle, viaName, peerTrust, accessLog, pools, settings);
  }

  public ProxySettings withPools(PoolSettings checks) {
    return new ProxySettings(cloud, listen, allowed, connectTimeout, responseTimeout, maxIdle, viaName, peerTrust, accessLog, checks, tls);
  }

  public ProxySettings withPeerTrust(PeerTrust trust) {
    return new ProxySettings(cloud, listen, allowed, connectTimeout, responseTimeout, maxIdle, viaName, trust, accessLog, pools, tls);
  }

  public ProxySettings withTimeouts(Duration connect, Duration response) {
    return new ProxySettings(cloud, listen, allowed, connect, response, maxIdle, viaName, peerTrust, accessLog, pools, tls);
  }

  private static void requirePositive(String what, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + value);
    }
  }
}
