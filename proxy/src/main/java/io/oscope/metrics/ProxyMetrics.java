package io.oscope.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.oscope.build.BuildInfo;
import io.oscope.pool.Member;
import io.oscope.routes.HostPort;
import io.oscope.upstream.AddressLoad;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The proxy's metrics, in Prometheus' text format at the admin listener's {@code /metrics}; the
 * README's metrics table lists every one (a test holds the two together). Meters are looked up
 * once per (service, cloud, status class) and cached, so a request costs a map lookup (mostly an
 * identity check) and a few atomic adds; every counter exists at zero from the start, so that
 * {@code rate()} and {@code increase()} see its first increment.
 *
 * <ul>
 *   <li>{@code oscope_requests_seconds{service,cloud,status}}: latency histogram with the
 *       {@link #LATENCY_BUCKETS}; its {@code _count} is the request count. {@code status} is the
 *       class: 2xx, 4xx, 5xx…
 *   <li>{@code oscope_response_bytes_total{service,cloud}}: response body bytes sent.
 *   <li>{@code oscope_connections_active}: client connections open now.
 *   <li>{@code oscope_scope_errors_total{reason}}: {@link #SCOPE_ERROR_REASONS}.
 *   <li>{@code oscope_upstream_errors_total{kind}}: {@link #UPSTREAM_ERROR_KINDS}.
 *   <li>{@code oscope_upstream_up}, {@code oscope_upstream_connections{state}},
 *       {@code oscope_upstream_refused_total} by {@code address}, and
 *       {@code oscope_upstream_connection_limit}: see {@link UpstreamMeters}.
 *   <li>{@code oscope_retries_total{result}}: {@link #RETRY_RESULTS}.
 *   <li>{@code oscope_failovers_total{service,from,to}}: requests of an {@code A | B} scope that
 *       moved on from one cloud to the next.
 *   <li>{@code oscope_route_table_info{version}}, {@code oscope_route_table_loaded_timestamp_seconds};
 *       {@code oscope_reloads_total{result}}, {@code oscope_last_reload_timestamp_seconds},
 *       {@code oscope_last_reload_successful}.
 *   <li>{@code oscope_build_info{version,commit,java_version}}, and Micrometer's JVM and process
 *       binders ({@code jvm_*}, {@code process_*}, {@code system_cpu_*}).
 * </ul>
 */
public final class ProxyMetrics implements AutoCloseable {
  /**
   * The latency histogram's buckets. Prometheus' default (5 ms to 10 s) fits OpenStack's API
   * calls, from a cached Keystone token check (a few ms) to a Nova boot or a Glance listing
   * (hundreds of ms, seconds); 30 s and 60 s are added because uploads and downloads of images
   * stream for that long and {@code --response-timeout} is 60 s. Fourteen series per (service,
   * cloud, status) with {@code +Inf}, rather than Micrometer's ~70: quantiles from
   * {@code histogram_quantile} are exact enough at these bounds, and scrapes stay small.
   */
  public static final List<Duration> LATENCY_BUCKETS = List.of(
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(60));
  /**
   * The reasons of {@code oscope_scope_errors_total}: 400s for the request's scope. These and the
   * kinds below are registered at zero; {@code ErrorMapper} counts no other (a test holds them).
   */
  public static final List<String> SCOPE_ERROR_REASONS = List.of("malformed_scope", "unknown_cloud", "service_not_in_cloud",
      "unsupported_expression", "replicated_write");
  /**
   * The kinds of {@code oscope_upstream_errors_total}: {@code unavailable} (502), {@code refused}
   * (503), {@code timeout} (504), {@code all_down} (503), {@code busy} (503, the connection limit).
   */
  public static final List<String> UPSTREAM_ERROR_KINDS = List.of("unavailable", "refused", "timeout", "all_down", "busy");
  /**
   * The results of {@code oscope_retries_total}, for a failed try the retry policy allows again:
   * {@code done} (sent to the pool again), {@code refused_by_budget} (the pool's retry budget was
   * spent: the failure met is answered).
   */
  public static final List<String> RETRY_RESULTS = List.of("done", "refused_by_budget");
  /**
   * How one cloud of an {@code &} fan-out ended: a 2xx, a 404, another 4xx, a failure (connection,
   * 5xx, an answer too large or unreadable), or no answer within {@code --fan-out-timeout}.
   */
  public static final List<String> FANOUT_OUTCOMES = List.of("ok", "not_found", "client_error", "failed", "timeout");
  /** The results of {@code oscope_reloads_total}. */
  public static final List<String> RELOAD_RESULTS = List.of("success", "failure", "unchanged");
  /**
   * Why a tenant policy refused a request: a project in maintenance (409), a role missing to send a
   * service away or a cloud the project may not use (403), or Keystone could not tell (503).
   */
  public static final List<String> TENANT_REFUSAL_REASONS = List.of("maintenance", "role", "cloud", "unavailable");
  /** What became of an event's notification (--notifications): published, dropped (queue full), failed. */
  public static final List<String> NOTIFICATION_RESULTS = List.of("sent", "dropped", "failed");
  /** Keystone's answers to a token introspection: a valid token, an invalid one, or no answer. */
  public static final List<String> TOKEN_INTROSPECTION_RESULTS = List.of("valid", "invalid", "unavailable");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentHashMap<Key, Meters> meters = new ConcurrentHashMap<>();
  private final Map<String, Counter> scopeErrors;
  private final Map<String, Counter> upstreamErrors;
  private final Map<String, Counter> reloads;
  private final Map<String, Counter> fanOutBranches;
  private final Map<String, Counter> tenantRefusals;
  private final Map<String, Counter> notifications;
  private final Map<String, Counter> tokenIntrospections;
  private final Counter retriesDone;
  private final Counter retriesRefused;
  private final AtomicInteger activeConnections = new AtomicInteger();
  private final AtomicLong tableLoaded = new AtomicLong();
  private final AtomicLong lastReload = new AtomicLong(Instant.now().getEpochSecond());
  private final AtomicInteger lastReloadSuccessful = new AtomicInteger(1);
  private final MultiGauge tableInfo;
  private final UpstreamMeters upstreams = new UpstreamMeters(registry);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<List<String>, Counter> failovers = new ConcurrentHashMap<>();

  private record Key(String service, String cloud, int statusClass) {}

  private record Meters(Timer latency, Counter bytes) {}

  /**
   * The meters used last and their key: requests come in runs of one route, whose strings are
   * the route table's own, so an identity check mostly spares the key and the map lookup. Shared
   * by the event loops without a lock (immutable; a stale one only misses).
   */
  private record LastUsed(String service, String cloud, int statusClass, Meters meters) {}

  private volatile LastUsed lastUsed;

  /** @param connectionLimit the per-address limit of upstream connections in use, for saturation */
  public ProxyMetrics(int connectionLimit) {
    Gauge.builder("oscope.connections.active", activeConnections, AtomicInteger::get)
        .description("Client connections open now").register(registry);
    Gauge.builder("oscope.route.table.loaded.timestamp", tableLoaded, AtomicLong::get)
        .description("When the route table in use was loaded (Unix time)").baseUnit("seconds").register(registry);
    tableInfo = MultiGauge.builder("oscope.route.table.info")
        .description("1 for the version of the route table in use").register(registry);
    Gauge.builder("oscope.upstream.connection.limit", () -> connectionLimit)
        .description("Connections to one upstream address that may be in use at a time (--max-upstream-connections)")
        .register(registry);
    scopeErrors = counters("oscope.scope.errors", "Requests refused for their scope", "reason", SCOPE_ERROR_REASONS);
    upstreamErrors = counters("oscope.upstream.errors", "Upstream failures answered by the proxy", "kind",
        UPSTREAM_ERROR_KINDS);
    fanOutBranches = counters("oscope.fanout.branches", "Clouds asked by '&' fan-outs, by how each ended", "outcome",
        FANOUT_OUTCOMES);
    reloads = counters("oscope.reloads", "Route file reloads, by result", "result", RELOAD_RESULTS);
    tenantRefusals = counters("oscope.tenant.refusals", "Requests a tenant policy refused", "reason",
        TENANT_REFUSAL_REASONS);
    notifications = counters("oscope.notifications", "Event notifications to RabbitMQ, by what became of them",
        "result", NOTIFICATION_RESULTS);
    tokenIntrospections = counters("oscope.token.introspections",
        "Tokens asked of Keystone for a tenant policy (GET /v3/auth/tokens), by answer", "result",
        TOKEN_INTROSPECTION_RESULTS);
    Map<String, Counter> retries = counters("oscope.retries",
        "Retries of failed tries: done, or refused because the pool's retry budget was spent", "result", RETRY_RESULTS);
    retriesDone = retries.get("done");
    retriesRefused = retries.get("refused_by_budget");
    Gauge.builder("oscope.last.reload.timestamp", lastReload, AtomicLong::get)
        .description("When the last reload (or the start) finished, whatever its result (Unix time)")
        .baseUnit("seconds").register(registry);
    Gauge.builder("oscope.last.reload.successful", lastReloadSuccessful, AtomicInteger::get)
        .description("1 if the last reload (or the start) left the route file's content in use, 0 if it was rejected")
        .register(registry);
    BuildInfo build = BuildInfo.current();
    String version = build.version();
    String manifestVersion = ProxyMetrics.class.getPackage().getImplementationVersion();
    if (version.equals(BuildInfo.UNKNOWN) && manifestVersion != null && !manifestVersion.isBlank()) {
      version = manifestVersion.strip();
    }
    Gauge.builder("oscope.build.info", () -> 1)
        .description("1, labelled with the version and commit oscope was built from and the Java version it runs on")
        .tags("version", version, "commit", build.commit(),
            "java_version", System.getProperty("java.version", BuildInfo.UNKNOWN))
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  private Map<String, Counter> counters(String name, String description, String label, List<String> values) {
    Map<String, Counter> counters = new ConcurrentHashMap<>();
    for (String value : values) counters.put(value, counter(name, description, label, value));
    return counters;
  }

  private Counter counter(String name, String description, String label, String value) {
    return Counter.builder(name).description(description).tag(label, value).register(registry);
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
        .serviceLevelObjectives(LATENCY_BUCKETS.toArray(Duration[]::new))
        .register(registry);
    Counter bytes = Counter.builder("oscope.response.bytes")
        .description("Response body bytes sent to clients").baseUnit("bytes")
        .tags(tags).register(registry);
    return new Meters(latency, bytes);
  }

  /** Counts a scope the proxy refused: one of {@link #SCOPE_ERROR_REASONS}. */
  public void scopeError(String reason) {
    scopeErrors.computeIfAbsent(reason, r -> counter("oscope.scope.errors", "Requests refused for their scope",
        "reason", r)).increment();
  }

  /** Counts an upstream failure the proxy answered: one of {@link #UPSTREAM_ERROR_KINDS}. */
  public void upstreamError(String kind) {
    upstreamErrors.computeIfAbsent(kind, k -> counter("oscope.upstream.errors",
        "Upstream failures answered by the proxy", "kind", k)).increment();
  }

  /** Counts one cloud of a fan-out that ended as {@code outcome}, one of {@link #FANOUT_OUTCOMES}. */
  public void fanOutBranch(String outcome) {
    fanOutBranches.get(outcome).increment();
  }

  /** Counts a request a tenant policy refused: one of {@link #TENANT_REFUSAL_REASONS}. */
  public void tenantRefusal(String reason) {
    tenantRefusals.get(reason).increment();
  }

  /** Counts one call to Keystone about a token by its {@code result}, one of {@link #TOKEN_INTROSPECTION_RESULTS}. */
  public void tokenIntrospection(String result) {
    tokenIntrospections.get(result).increment();
  }

  /** Counts one notification by {@code result}, one of {@link #NOTIFICATION_RESULTS}. */
  public void notification(String result) {
    notifications.get(result).increment();
  }

  /** Counts a retry sent to the pool again ({@code done}) or refused by its retry budget. */
  public void retry(boolean done) {
    (done ? retriesDone : retriesRefused).increment();
  }

  /** Counts a request of {@code service} that moved on from cloud {@code from} to {@code to} ({@code A | B}). */
  public void failover(String service, String from, String to) {
    failoverCounter(service, from, to).increment();
  }

  /**
   * Makes the failover counters of {@code cloudsByService}, service type to the clouds offering it,
   * exist at zero: every pair of distinct clouds of one service. Kept across reloads.
   */
  public void failoverRoutes(Map<String, ? extends Collection<String>> cloudsByService) {
    cloudsByService.forEach((service, clouds) -> {
      for (String from : clouds) {
        for (String to : clouds) {
          if (!from.equals(to)) failoverCounter(service, from, to);
        }
      }
    });
  }

  private Counter failoverCounter(String service, String from, String to) {
    return failovers.computeIfAbsent(List.of(service, from, to), key -> Counter.builder("oscope.failovers")
        .description("Requests of an 'A | B' scope that moved on from one cloud to the next")
        .tags("service", service, "from", from, "to", to).register(registry));
  }

  /** Counts a reload of the route file, {@code result} one of {@link #RELOAD_RESULTS}, finished {@code at}. */
  public void reloaded(String result, Instant at) {
    Counter counter = reloads.get(result);
    if (counter == null) throw new IllegalArgumentException("no such reload result: " + result + "; known: " + RELOAD_RESULTS);
    counter.increment();
    lastReload.set(at.getEpochSecond());
    lastReloadSuccessful.set(result.equals("failure") ? 0 : 1);
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

  /**
   * Brings the per-address meters in step with {@code members}, the addresses of the route table
   * in use, whose connections' load {@code loads} gives (called before each scrape).
   */
  public void upstreams(List<Member> members, Function<HostPort, AddressLoad> loads) {
    upstreams.update(members, loads);
  }

  /** Every metric, in Prometheus' text exposition format. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
