package io.oscope.proxy;

import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutException;
import io.oscope.exchange.PeerSignature;
import io.oscope.exchange.TokenExchange;
import io.oscope.pool.Balancer;
import io.oscope.pool.Member;
import io.oscope.routes.HostPort;
import io.oscope.tls.TlsContexts;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.util.retry.Retry;

/**
 * The upstream half of the proxy: sends a routed request to its backend or peer proxy over a
 * pooled connection, streams the response back, and turns upstream failures into
 * {@link ProxyError}s. Retries only what is safe: an idempotent request without a body that met a
 * stale pooled connection, and a peer's token validation whose exchanged service token Keystone
 * refused.
 */
final class Forwarder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD,
      HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

  private final ProxySettings settings;
  private final HeaderRules rules;
  private final ConnectionProvider pool;
  private final HttpClient client;
  private final HttpClient tlsClient;
  private final TokenExchange tokenExchange;
  private final Balancer balancer;

  /** Keystone refused the service token we put on a peer's validation call: fetch another, once. */
  private static final class RefusedServiceToken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RefusedServiceToken() {
      super("service token refused", null, false, false);
    }
  }

  Forwarder(ProxySettings settings, HeaderRules rules, Balancer balancer, TlsContexts tls, LoopResources loops) {
    this.settings = settings;
    this.balancer = balancer;
    this.rules = rules;
    this.pool = ConnectionProvider.builder("oscope-upstream")
        .maxConnections(4096)
        .pendingAcquireMaxCount(-1)
        .maxIdleTime(settings.maxIdle())
        .evictInBackground(settings.maxIdle())
        .build();
    this.client = HttpClient.create(pool)
        .runOn(loops)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .responseTimeout(settings.responseTimeout())
        .disableRetry(true)
        .followRedirect(false);
    this.tlsClient = tls.secure(client);
    this.tokenExchange = settings.peerTrust() == null
        ? null : TokenExchange.of(settings.cloud(), settings.peerTrust(), client, Clock.systemUTC());
  }

  /** Forwards {@code request} along {@code route} and streams the answer into {@code response}. */
  Mono<Void> forward(ScopeRouter router, HttpServerRequest request, HttpServerResponse response, Route route,
      Exchange exchange) {
    HttpHeaders upstreamHeaders = rules.upstreamRequest(
        request.requestHeaders(), route, router.table(), exchange.client);
    boolean hasBody = hasBody(request.requestHeaders());
    String path = ScopeRouter.pathOnly(route.pathAndQuery());
    boolean validation = tokenExchange != null && TokenExchange.isValidation(request.method(), route.serviceType(), path);
    boolean swapServiceToken = false;
    if (validation && route.toPeer()) {
      tokenExchange.sign(upstreamHeaders, request.method(), path);
    } else if (validation) {
      swapServiceToken = tokenExchange.accepts(request.requestHeaders().get(PeerSignature.HEADER),
          upstreamHeaders, request.method(), path);
    }
    Attempts attempts = new Attempts(request, response, route, exchange, upstreamHeaders, hasBody, swapServiceToken);
    return attempts.next(null).onErrorResume(error -> {
      if (exchange.responseStarted) {
        // Headers are out: the only honest signal left is to cut the connection.
        LOG.warn("upstream {} {} failed mid-response after {} bytes ({}); closing the client connection",
            route.describeUpstream(), exchange.upstream, exchange.bytes, describe(error));
        response.withConnection(connection -> connection.channel().close());
        // Propagating the error also stops reactor-netty from finishing the response cleanly.
        return Mono.error(error);
      }
      return Mono.error(new ProxyException(upstreamError(error, route, exchange.upstream)));
    });
  }

  /**
   * The tries of one request: each on the least loaded address of the pool that is up and not yet
   * tried. Another address is tried after a connect failure (nothing was sent: safe for any
   * method), or after a connection closed or reset before any response for an idempotent request
   * without a body (a stale pooled connection, a backend going away), at most {@code retries}
   * times.
   */
  private final class Attempts {
    final HttpServerRequest request;
    final HttpServerResponse response;
    final Route route;
    final Exchange exchange;
    final HttpHeaders headers;
    final boolean hasBody;
    final boolean swapServiceToken;
    final Set<HostPort> tried = new HashSet<>(4);
    HostPort last;
    boolean staleRetried;

    Attempts(HttpServerRequest request, HttpServerResponse response, Route route, Exchange exchange,
        HttpHeaders headers, boolean hasBody, boolean swapServiceToken) {
      this.request = request;
      this.response = response;
      this.route = route;
      this.exchange = exchange;
      this.headers = headers;
      this.hasBody = hasBody;
      this.swapServiceToken = swapServiceToken;
    }

    /** The next try; {@code previous} is the failure of the last one, or null before the first. */
    Mono<Void> next(Throwable previous) {
      Member member = balancer.pick(route.upstream(), tried);
      if (member == null) {
        return Mono.error(previous != null ? previous
            : new ProxyException(new ProxyError.NoHealthyUpstream(route.describeUpstream(), route.upstream().toString())));
      }
      tried.add(member.address());
      last = member.address();
      exchange.upstream = member.address().toString();
      Mono<Void> call = swapServiceToken
          ? Mono.defer(() -> tokenExchange.tokens().current()).flatMap(token -> {
              headers.set(HeaderRules.X_AUTH_TOKEN, token);
              return send(member, token);
            }).retryWhen(Retry.max(1).filter(e -> e instanceof RefusedServiceToken))
          : send(member, null);
      return call.onErrorResume(error -> retryable(error) ? retry(error) : Mono.error(error));
    }

    private Mono<Void> retry(Throwable error) {
      if (tried.size() > settings.pools().retries()) return Mono.error(error);
      if (!(unwrap(error) instanceof ConnectException) && !staleRetried) {
        // A stale pooled connection says nothing about the address: it may be tried again, once.
        staleRetried = true;
        tried.remove(last);
      }
      LOG.debug("retrying {} after {}", route.describeUpstream(), describe(error));
      return next(error);
    }

    private boolean retryable(Throwable error) {
      if (exchange.responseStarted) return false;
      Throwable cause = unwrap(error);
      if (cause instanceof ConnectException) return true;
      // Closed or reset before any response byte: safe to send again only if sending twice is.
      return (cause instanceof PrematureCloseException || causedBy(error, IOException.class))
          && !hasBody && IDEMPOTENT.contains(request.method());
    }

    private Mono<Void> send(Member member, String serviceToken) {
      balancer.begin(member);
      String[] problem = {null};
      boolean https = route.upstream().tls();
      return (https ? tlsClient : client)
          .request(request.method())
          .uri((https ? "https://" : "http://") + member.address() + route.pathAndQuery())
          .send((upstreamRequest, out) -> {
            upstreamRequest.headers(headers);
            upstreamRequest.header(HttpHeaderNames.HOST, route.host());
            out.withConnection(connection -> {
              var pipeline = connection.channel().pipeline();
              if (pipeline.get(AbsoluteForm.NAME) == null) {
                pipeline.addBefore(NettyPipeline.ReactiveBridge, AbsoluteForm.NAME, AbsoluteForm.INSTANCE);
              }
              connection.channel().attr(AbsoluteForm.URI).set(route.absoluteUri());
            });
            return hasBody ? out.send(request.receive().retain()) : out;
          })
          .response((upstreamResponse, body) -> {
            int status = upstreamResponse.status().code();
            if (status >= 500) problem[0] = "answered " + status;
            if (status == 401 && serviceToken != null && !exchange.serviceTokenRenewed) {
              exchange.serviceTokenRenewed = true;
              tokenExchange.tokens().refused(serviceToken);
              return body.then(Mono.error(new RefusedServiceToken()));
            }
            exchange.responseStarted = true;
            exchange.status = status;
            response.status(upstreamResponse.status());
            HttpHeaders out = rules.downstreamResponse(upstreamResponse.responseHeaders());
            if (mustChunk(request, status, out)) {
              // Explicit chunking: a body cut short then lacks its last chunk, and the client knows.
              out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
            response.headers(out);
            return response.send(body.retain().doOnNext(chunk -> exchange.bytes += chunk.readableBytes()));
          })
          .then()
          .doOnError(error -> {
            Throwable cause = unwrap(error);
            if (cause instanceof ConnectException || cause instanceof ReadTimeoutException) problem[0] = describe(cause);
          })
          .doFinally(signal -> balancer.end(member, problem[0]));
    }
  }

  /**
   * Whether a response must be sent chunked: it has a body of unknown length and the client speaks
   * HTTP/1.1. Left to itself, reactor-netty would delimit such a body by closing the connection,
   * and a truncated body would then look complete.
   */
  private static boolean mustChunk(HttpServerRequest request, int status, HttpHeaders headers) {
    return !headers.contains(HttpHeaderNames.CONTENT_LENGTH)
        && request.version().equals(HttpVersion.HTTP_1_1)
        && !request.method().equals(HttpMethod.HEAD)
        && status >= 200 && status != 204 && status != 304;
  }

  private static boolean hasBody(HttpHeaders headers) {
    String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
    return headers.contains(HttpHeaderNames.TRANSFER_ENCODING) || (length != null && !length.strip().equals("0"));
  }

  private ProxyError upstreamError(Throwable error, Route route, String address) {
    Throwable cause = unwrap(error);
    String upstream = route.describeUpstream() + " " + address;
    if (cause instanceof ProxyException e) return e.error();
    if (cause instanceof ConnectTimeoutException) {
      return new ProxyError.UpstreamTimeout(upstream, "accept the connection", settings.connectTimeout());
    }
    if (cause instanceof ReadTimeoutException) {
      return new ProxyError.UpstreamTimeout(upstream, "answer", settings.responseTimeout());
    }
    if (cause instanceof ConnectException) return new ProxyError.UpstreamUnavailable(upstream, "connection refused");
    if (cause instanceof PrematureCloseException) {
      return new ProxyError.UpstreamUnavailable(upstream, "connection closed before the response");
    }
    if (!(cause instanceof IOException)) LOG.warn("unexpected upstream failure for {}", upstream, cause);
    return new ProxyError.UpstreamUnavailable(upstream, describe(cause));
  }

  /** The most telling exception in a chain: retries and Reactor wrap the one that matters. */
  private static Throwable unwrap(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof ProxyException || cause instanceof ConnectException || cause instanceof ReadTimeoutException
          || cause instanceof PrematureCloseException) {
        return cause;
      }
    }
    return error;
  }

  private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
    for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (type.isInstance(cause)) return true;
    }
    return false;
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  @Override
  public void close() {
    pool.disposeLater().block(Duration.ofSeconds(5));
  }
}
