package io.oscope.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * The spans of one request through one proxy: its SERVER span, from its head's arrival to the
 * end of its response, and a CLIENT span per upstream {@link Attempt} (a retry is one more; a
 * fan-out makes one per try of each cloud), whose context the upstream request carries. Used on
 * the request's event loop only.
 *
 * <p>Attributes name the method, the path (never the query, which may carry signatures or
 * markers; tokens travel in headers, which no attribute copies), the status, the service type and
 * target cloud, and the request IDs that join the trace to the access log and to OpenStack's own
 * logs. A span is an error on a 5xx status or when the proxy could not complete the exchange.
 */
public final class RequestSpans {
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<Long> RESENDS = AttributeKey.longKey("http.request.resend_count");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("oscope.service.type");
  private static final AttributeKey<String> CLOUD = AttributeKey.stringKey("oscope.cloud");
  private static final AttributeKey<String> UPSTREAM = AttributeKey.stringKey("oscope.upstream");
  private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("oscope.request_id");
  private static final AttributeKey<String> ORIGIN_ID = AttributeKey.stringKey("oscope.origin_id");
  private static final AttributeKey<String> GLOBAL_REQUEST_ID = AttributeKey.stringKey("openstack.global_request_id");
  private static final AttributeKey<String> OPENSTACK_REQUEST_ID = AttributeKey.stringKey("openstack.request_id");
  private static final TextMapSetter<String[]> HEADERS = (carrier, key, value) -> {
    if ("traceparent".equals(key)) carrier[0] = value;
    else if ("tracestate".equals(key)) carrier[1] = value;
  };

  private final Tracer tracer;
  private final Span server;
  private final Context context;
  private final String method;
  private String name;
  private String service;
  private String cloud;
  private int attempts;

  RequestSpans(Tracer tracer, Span server, String method) {
    this.tracer = tracer;
    this.server = server;
    this.context = Context.root().with(server);
    this.method = method;
    this.name = method;
  }

  /** The trace's ID, 32 hex digits: the client's if it sent a valid trace context, else a new one. */
  public String traceId() {
    return server.getSpanContext().getTraceId();
  }

  /** The request goes to service {@code service} of cloud {@code cloud}: spans are named {@code GET image}. */
  public void routed(String service, String cloud) {
    this.service = service;
    this.cloud = cloud;
    name = method + " " + service;
    server.updateName(name);
    server.setAttribute(SERVICE, service);
    server.setAttribute(CLOUD, cloud);
  }

  /**
   * The request fails over ({@code |}) to {@code cloud}: the next tries' CLIENT spans, and the
   * SERVER span, name the cloud that is now asked, as the access log does.
   */
  public void failedOver(String cloud) {
    this.cloud = cloud;
    server.setAttribute(CLOUD, cloud);
  }

  /**
   * Starts the CLIENT span of the next try, to {@code label} at {@code host}:{@code port}.
   *
   * @param target what the upstream request asks for: only its path goes into the span
   */
  public Attempt attempt(String label, String host, int port, String target) {
    return clientSpan(label, host, port, target, cloud, attempts++);
  }

  /**
   * Starts the CLIENT span of a try of one cloud of a fan-out ({@code &}), as {@link #attempt}
   * does: its {@code oscope.cloud} is the branch's {@code cloud}, and its resend count the
   * branch's own ({@code resends} tries of the branch before this one).
   */
  public Attempt branchAttempt(String label, String host, int port, String target, String cloud, int resends) {
    return clientSpan(label, host, port, target, cloud, resends);
  }

  private Attempt clientSpan(String label, String host, int port, String target, String cloud, int resends) {
    var builder = tracer.spanBuilder(name).setSpanKind(SpanKind.CLIENT).setParent(context)
        .setAttribute(METHOD, method)
        .setAttribute(PATH, pathOf(target))
        .setAttribute(SERVER_ADDRESS, host)
        .setAttribute(SERVER_PORT, port)
        .setAttribute(UPSTREAM, label);
    if (service != null) builder.setAttribute(SERVICE, service).setAttribute(CLOUD, cloud);
    if (resends > 0) builder.setAttribute(RESENDS, resends);
    return new Attempt(builder.startSpan());
  }

  /**
   * Ends the SERVER span: the request was answered with {@code status} (0 if nothing was), or
   * failed as {@code failure} says (a kind such as {@code UpstreamTimeout}, or null).
   *
   * @param requestId oscope's ID of the request; the others are null when not known
   */
  public void end(int status, String failure, String requestId, String originId, String globalRequestId,
      String openStackRequestId) {
    if (status > 0) server.setAttribute(STATUS, status);
    server.setAttribute(REQUEST_ID, requestId);
    if (originId != null) server.setAttribute(ORIGIN_ID, originId);
    if (globalRequestId != null) server.setAttribute(GLOBAL_REQUEST_ID, globalRequestId);
    if (openStackRequestId != null) server.setAttribute(OPENSTACK_REQUEST_ID, openStackRequestId);
    markError(server, status, failure, null);
    server.end();
  }

  private static void markError(Span span, int status, String failure, String description) {
    if (failure == null && status >= 100 && status < 500) return;
    String type = failure != null ? failure : status == 0 ? "NoResponse" : Integer.toString(status);
    span.setAttribute(ERROR_TYPE, type);
    span.setStatus(StatusCode.ERROR, description != null ? description : type);
  }

  /** One try toward an upstream: its CLIENT span. */
  public static final class Attempt {
    private final Span span;
    private final String[] headers = new String[2];
    private int status;
    private String failure;
    private String description;

    private Attempt(Span span) {
      this.span = span;
      W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), headers, HEADERS);
    }

    /** The {@code traceparent} the upstream request carries: this span's context. */
    public String traceparent() {
      return headers[0];
    }

    /** The {@code tracestate} the upstream request carries (the client's, passed on), or null. */
    public String tracestate() {
      return headers[1];
    }

    /** The upstream answered with {@code status}. */
    public void answered(int status) {
      this.status = status;
      span.setAttribute(STATUS, status);
    }

    /** The try failed: {@code type} names how, {@code description} says more (or is null). */
    public void failed(String type, String description) {
      if (failure != null) return;
      failure = type;
      this.description = description;
    }

    /** The try is over. */
    public void end() {
      markError(span, status, failure, description);
      span.end();
    }
  }

  /** The path of a request target: of an absolute URI, without its scheme and authority; never the query. */
  static String pathOf(String target) {
    int start = 0;
    if (!target.startsWith("/")) {
      int scheme = target.indexOf("://");
      if (scheme < 0) return "*".equals(target) ? target : "";
      start = target.indexOf('/', scheme + 3);
      if (start < 0) return "/";
    }
    int end = target.length();
    for (int i = start; i < end; i++) {
      char c = target.charAt(i);
      if (c == '?' || c == '#') end = i;
    }
    return target.substring(start, end);
  }

  /** The host of a {@code Host} header, without its port; null if absent or not a plain host name or address. */
  static String hostOf(String host) {
    if (host == null || host.isEmpty()) return null;
    int end = host.length();
    if (host.charAt(0) == '[') {
      end = host.indexOf(']') + 1;
      if (end <= 0) return null;
    } else {
      int colon = host.indexOf(':');
      if (colon >= 0) end = colon;
    }
    for (int i = 0; i < end; i++) {
      char c = host.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
          || c == ':' || c == '[' || c == ']')) {
        return null;
      }
    }
    return end == 0 ? null : host.substring(0, end);
  }
}
