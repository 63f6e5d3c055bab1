package io.oscope.proxy;

import io.netty.util.concurrent.Ticker;
import io.oscope.exchange.TokenExchange;
import io.oscope.http1.HeaderNames;
import io.oscope.http1.RequestHead;
import io.oscope.logging.AccessLog;
import io.oscope.metrics.ProxyMetrics;
import io.oscope.pool.Balancer;
import io.oscope.tenant.TenantGate;
import io.oscope.tracing.RequestIds;
import io.oscope.tracing.Tracing;
import io.oscope.upstream.UpstreamChannels;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every connection and request of one proxy shares, fixed when the proxy starts. The route
 * table, which a reload swaps, is read through {@link #router()}; whether the proxy is stopping,
 * through {@link #closing()}.
 *
 * @param tokenExchange cross-cloud token validation, or null when it is off
 * @param ids oscope's request IDs
 * @param tracing the spans of requests, or null when tracing is off: then no request makes one
 * @param ticker the clock every deadline is measured with: tests move it instead of sleeping
 * @param tenants the tenant policy (maintenance mode), or null when none is configured: then no
 *     request costs anything for it
 */
record ProxyContext(
    ProxySettings settings,
    HeaderRules rules,
    Balancer balancer,
    UpstreamChannels upstreams,
    TokenExchange tokenExchange,
    ProxyMetrics metrics,
    AccessLog accessLog,
    RequestIds ids,
    Tracing tracing,
    Ticker ticker,
    AtomicReference<ScopeRouter> routes,
    AtomicBoolean stopping,
    TenantGate tenants) {

  /** The router of the current route table: read once per request, kept for its whole exchange. */
  ScopeRouter router() {
    return routes.get();
  }

  /** Whether the proxy is stopping: responses then close their connections. */
  boolean closing() {
    return stopping.get();
  }

  /** A record for a request that starts now, with its ID. */
  RequestRecord record(String method, String path, String client) {
    RequestRecord record = new RequestRecord(method, path, client, ticker.nanoTime());
    record.id = ids.next();
    return record;
  }

  /**
   * With tracing on, starts the SERVER span of {@code request}, in the trace of its W3C trace
   * context if valid: the access log's trace ID is the span's.
   */
  void trace(RequestRecord record, RequestHead request) {
    if (tracing == null) return;
    record.spans = tracing.request(request.value(RequestRecord.TRACEPARENT), request.value(HeaderRules.TRACESTATE),
        record.method, request.target(), record.client, request.value(HeaderNames.HOST));
    record.traceId = record.spans.traceId();
  }

  /** Records a finished exchange: metrics, its span, and the access log as configured. */
  void log(RequestRecord record) {
    long end = ticker.nanoTime();
    if (record.spans != null) record.endSpan(ids);
    metrics.request(record.serviceOrNull(), record.cloudOrNull(), record.status, record.bytes,
        end - record.startNanos);
    if (!accessLog.enabled()) return;
    switch (settings.accessLog()) {
      case TEXT -> accessLog.log(record.logLine(end, System.currentTimeMillis(), settings.viaName(), ids));
      case JSON -> accessLog.log(record.logJson(end, System.currentTimeMillis(), settings.viaName(), ids));
      case OFF -> { }
    }
  }
}
