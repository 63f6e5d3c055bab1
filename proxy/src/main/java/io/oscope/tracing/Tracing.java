package io.oscope.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The proxy's OpenTelemetry spans, when tracing is on: it owns the tracer and its provider, reads
 * a request's W3C trace context with the SDK's propagator, and starts the {@link RequestSpans} of
 * each request. With tracing off there is no instance at all, and the request path makes no span.
 *
 * <pre>{@code
 * Tracing tracing = Tracing.otlp(Tracing.endpoint("http://collector:4318"), "oscope-CloudOne", "CloudOne");
 * RequestSpans spans = tracing.request(traceparent, tracestate, "GET", "/v2/images", "10.0.0.7", "cloud.example");
 * tracing.close(); // on shutdown: what is batched is exported first
 * }</pre>
 */
public final class Tracing implements AutoCloseable {
  /** Where spans go unless {@code --otlp-endpoint} says otherwise: a collector on this host. */
  public static final URI DEFAULT_ENDPOINT = URI.create("http://localhost:4318/v1/traces");
  /** The path an OTLP/HTTP receiver takes traces on, added to an endpoint given without a path. */
  private static final String TRACES_PATH = "/v1/traces";
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_INSTANCE = AttributeKey.stringKey("service.instance.id");
  private static final AttributeKey<String> REGION = AttributeKey.stringKey("cloud.region");
  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  /**
   * The SDK's java.util.logging logger (failed exports): held here, as JUL keeps loggers weakly
   * and would forget the handler.
   */
  private static final java.util.logging.Logger SDK_LOG = java.util.logging.Logger.getLogger("io.opentelemetry");

  private final SdkTracerProvider provider;
  private final Tracer tracer;

  /** Spans made by {@code provider}, which this instance shuts down on {@link #close()}. */
  public Tracing(SdkTracerProvider provider) {
    this.provider = provider;
    this.tracer = provider.get("io.oscope");
  }

  /**
   * Spans batched ({@link BatchSpanProcessor}: a queue, a background thread, nothing exported on
   * the event loops) and sent with OTLP over HTTP, protobuf-encoded, to {@code endpoint}.
   *
   * @param proxy the proxy's name ({@code --via-name}), its {@code service.instance.id}
   * @param cloud the proxy's own cloud, its {@code cloud.region}
   */
  public static Tracing otlp(URI endpoint, String proxy, String cloud) {
    logThroughSlf4j();
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint.toString()).build();
    return new Tracing(SdkTracerProvider.builder()
        .setResource(resource(proxy, cloud))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
        .build());
  }

  /** Sends the SDK's log records to SLF4J, so that they are dated lines (or JSON) like oscope's own. */
  private static synchronized void logThroughSlf4j() {
    for (var handler : SDK_LOG.getHandlers()) {
      if (handler instanceof SLF4JBridgeHandler) return;
    }
    SDK_LOG.setUseParentHandlers(false);
    SDK_LOG.addHandler(new SLF4JBridgeHandler());
  }

  /** What every span of proxy {@code proxy} of cloud {@code cloud} says of where it comes from. */
  public static Resource resource(String proxy, String cloud) {
    return Resource.getDefault().merge(Resource.create(
        Attributes.of(SERVICE_NAME, "oscope", SERVICE_INSTANCE, proxy, REGION, cloud)));
  }

  /**
   * The OTLP/HTTP traces URL that {@code text} names: an {@code http} or {@code https} URL with a
   * host; one without a path gets {@code /v1/traces}, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} does.
   *
   * @throws IllegalArgumentException naming {@code text} and what is wrong with it
   */
  public static URI endpoint(String text) {
    URI uri;
    try {
      uri = URI.create(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException("'" + text + "' is not an http or https URL with a host");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("'" + text + "' must have no user, query or fragment");
    }
    String path = uri.getRawPath();
    return path == null || path.isEmpty() || path.equals("/") ? URI.create(scheme + "://" + uri.getRawAuthority() + TRACES_PATH)
        : uri;
  }

  /**
   * Starts the SERVER span of a request whose head just arrived, in the trace of the client's
   * {@code traceparent} and {@code tracestate} (either null) if they are valid, else in a new one.
   *
   * @param target the request target as the client sent it: only its path goes into the span
   * @param client the client's address
   * @param host the {@code Host} the client named, or null
   */
  public RequestSpans request(String traceparent, String tracestate, String method, String target, String client,
      String host) {
    Context parent = traceparent == null ? Context.root()
        : W3C.extract(Context.root(), new String[] {traceparent, tracestate}, CARRIER);
    var builder = tracer.spanBuilder(method).setSpanKind(SpanKind.SERVER).setParent(parent)
        .setAttribute(RequestSpans.METHOD, method)
        .setAttribute(RequestSpans.PATH, RequestSpans.pathOf(target))
        .setAttribute(RequestSpans.CLIENT_ADDRESS, client);
    String hostName = RequestSpans.hostOf(host);
    if (hostName != null) builder.setAttribute(RequestSpans.SERVER_ADDRESS, hostName);
    Span server = builder.startSpan();
    return new RequestSpans(tracer, server, method);
  }

  /** Exports what is batched and stops: waits for it up to 10 seconds. */
  @Override
  public void close() {
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  /** {@code traceparent} and {@code tracestate}, the only fields the W3C propagator reads. */
  private static final TextMapGetter<String[]> CARRIER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(String[] carrier) {
      return List.of("traceparent", "tracestate");
    }

    @Override
    public String get(String[] carrier, String key) {
      if (carrier == null) return null;
      return switch (key) {
        case "traceparent" -> carrier[0];
        case "tracestate" -> carrier[1];
        default -> null;
      };
    }
  };
}
