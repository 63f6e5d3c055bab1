package io.oscope.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.oscope.pool.Member;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The proxy's metrics, in Prometheus' text format at the admin listener's {@code /metrics}.
 * Meters are looked up once per (service, cloud, status class) and cached, so a request costs a
 * map lookup and a few atomic adds.
 *
 * <ul>
 *   <li>{@code oscope_requests_seconds{service,cloud,status}}: latency histogram; its
 *       {@code _count} is the request count. {@code status} is the class: 2xx, 4xx, 5xx…
 *   <li>{@code oscope_response_bytes_total{service,cloud}}: response body bytes sent.
 *   <li>{@code oscope_connections_active}: client connections open now.
 *   <li>{@code oscope_scope_errors_total{reason}}: malformed_scope, unknown_cloud, service_not_in_cloud.
 *   <li>{@code oscope_upstream_errors_total{kind}}: unavailable (502), refused (503), timeout (504), all_down (503),
 *       busy (503: the per-address connection limit).
 *   <li>{@code oscope_upstream_up{address}}: 1 if the address is up (health checks), else 0.
 *   <li>{@code oscope_route_table_info{version}}: 1 for the table in use;
 *       {@code oscope_route_table_loaded_seconds}: when it was loaded (Unix time).
 * </ul>
 */
public final class ProxyMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentHashMap<Key, Meters> meters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> scopeErrors = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> upstreamErrors = new ConcurrentHashMap<>();
  private final AtomicInteger activeConnections = new AtomicInteger();
  private final AtomicLong tableLoaded = new AtomicLong();
  private final MultiGauge tableInfo;
  private final MultiGauge upstreamUp;

  private record Key(String service, String cloud, int statusClass) {}

  private record Meters(Timer latency, Counter bytes) {}

  /**
   * The meters used last and their key: requests come in runs of one route, whose strings are
   * the route table's own, so an identity check mostly spares the key and the map lookup. Shared
   * by the event loops without a lock (immutable; a stale one only misses).
   */
  private record LastUsed(String service, String cloud, int statusClass, Meters meters) {}

  private volatile LastUsed lastUsed;

  public ProxyMetrics() {
    Gauge.builder("oscope.connections.active", activeConnections, AtomicInteger::get)
        .description("Client connections open now").register(registry);
    Gauge.builder("oscope.route.table.loaded", tableLoaded, AtomicLong::get)
        .description("When the route table in use was loaded (Unix seconds)").baseUnit("seconds").register(registry);
    tableInfo = MultiGauge.builder("oscope.route.table.info")
        .description("1 for the version of the route table in use").register(registry);
    upstreamUp = MultiGauge.builder("oscope.upstream.up")
        .description("1 if the upstream address is up, 0 if it is down").register(registry);
  }

  /** Counts one finished request. {@code service} and {@code cloud} are null when passed through. */
  public void request(String service, String cloud, int status, long bytes, long nanos) {
    String serviceTag = service == null ? "none" : service;
    String cloudTag = cloud == null ? "none" : cloud;
    int statusClass = status / 100;
    LastUsed last = lastUsed;
    Meters m;
    if (last != null && last.service == serviceTag && last.cloud == cloudTag && last.statusClass == statusClass) {
      m = last.meters;
    } else {
      m = meters.computeIfAbsent(new Key(serviceTag, cloudTag, statusClass), this::register);
      lastUsed = new LastUsed(serviceTag, cloudTag, statusClass, m);
    }
    m.latency().record(nanos, TimeUnit.NANOSECONDS);
    if (bytes > 0) m.bytes().increment(bytes);
  }

  private Meters register(Key key) {
    Tags tags = Tags.of("service", key.service(), "cloud", key.cloud());
    Timer latency = Timer.builder("oscope.requests")
        .description("Requests by target service, cloud and status class")
        .tags(tags).tag("status", key.statusClass() + "xx")
        .publishPercentileHistogram()
        .register(registry);
    Counter bytes = Counter.builder("oscope.response.bytes")
        .description("Response body bytes sent to clients").baseUnit("bytes")
        .tags(tags).register(registry);
    return new Meters(latency, bytes);
  }

  /** Counts a scope the proxy refused: {@code malformed_scope}, {@code unknown_cloud}, … */
  public void scopeError(String reason) {
    scopeErrors.computeIfAbsent(reason, r -> Counter.builder("oscope.scope.errors")
        .description("Requests refused for their scope").tag("reason", r).register(registry)).increment();
  }

  /**
   * Counts an upstream failure the proxy answered: {@code unavailable} (502), {@code refused}
   * (503), {@code timeout} (504), {@code all_down} (503), {@code busy} (503, the connection limit).
   */
  public void upstreamError(String kind) {
    upstreamErrors.computeIfAbsent(kind, k -> Counter.builder("oscope.upstream.errors")
        .description("Upstream failures answered by the proxy").tag("kind", k).register(registry)).increment();
  }

  /** Call when a client connection opens; the returned runnable when it closes. */
  public Runnable connectionOpened() {
    activeConnections.incrementAndGet();
    return activeConnections::decrementAndGet;
  }

  /** Records the route table now in use. */
  public void routeTable(String version, Instant loadedAt) {
    tableLoaded.set(loadedAt.getEpochSecond());
    tableInfo.register(List.of(MultiGauge.Row.of(Tags.of("version", version), 1)), true);
  }

  /** Records the state of every upstream address (called before each scrape). */
  public void upstreams(Collection<Member> members) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (Member member : members) {
      rows.add(MultiGauge.Row.of(Tags.of("address", member.address().toString()), member.isUp() ? 1 : 0));
    }
    upstreamUp.register(rows, true);
  }

  /** Every metric, in Prometheus' text exposition format. */
  public String scrape() {
    return registry.scrape();
  }
}
