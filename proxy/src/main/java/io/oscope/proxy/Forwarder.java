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
import java.io.IOException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
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
  private final TokenExchange tokenExchange;

  /** Keystone refused the service token we put on a peer's validation call: fetch another, once. */
  private static final class RefusedServiceToken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RefusedServiceToken() {
      super("service token refused", null, false, false);
    }
  }

  Forwarder(ProxySettings settings, HeaderRules rules) {
    this.settings = settings;
    this.rules = rules;
    this.pool = ConnectionProvider.builder("oscope-upstream")
        .maxConnections(4096)
        .pendingAcquireMaxCount(-1)
        .maxIdleTime(settings.maxIdle())
        .evictInBackground(settings.maxIdle())
        .build();
    this.client = HttpClient.create(pool)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .responseTimeout(settings.responseTimeout())
        .disableRetry(true)
        .followRedirect(false);
    this.tokenExchange = settings.peerTrust() == null
        ? null : TokenExchange.of(settings.cloud(), settings.peerTrust(), client, Clock.systemUTC());
  }

  /** Forwards {@code request} along {@code route} and streams the answer into {@code response}. */
  Mono<Void> forward(ScopeRouter router, HttpServerRequest request, HttpServerResponse response, Route route,
      Exchange exchange) {
    HttpHeaders upstreamHeaders = rules.upstreamRequest(
        request.requestHeaders(), route, router.table(), exchange.client);
    boolean hasBody = hasBody(request.requestHeaders());
    boolean validation = tokenExchange != null
        && TokenExchange.isValidation(request.method(), route.serviceType(), ScopeRouter.pathOnly(route.pathAndQuery()));
    Mono<Void> call;
    if (validation && !route.toPeer() && tokenExchange.accepts(request.requestHeaders().get(PeerSignature.HEADER),
        upstreamHeaders, request.method(), ScopeRouter.pathOnly(route.pathAndQuery()))) {
      call = Mono.defer(() -> tokenExchange.tokens().current())
          .flatMap(token -> {
            upstreamHeaders.set(HeaderRules.X_AUTH_TOKEN, token);
            return send(request, response, route, exchange, upstreamHeaders, false, token);
          })
          .retryWhen(Retry.max(1).filter(e -> e instanceof RefusedServiceToken));
    } else {
      if (validation && route.toPeer()) {
        tokenExchange.sign(upstreamHeaders, request.method(), ScopeRouter.pathOnly(route.pathAndQuery()));
      }
      call = send(request, response, route, exchange, upstreamHeaders, hasBody, null);
    }
    if (!hasBody && IDEMPOTENT.contains(request.method())) {
      // A pooled connection the upstream closed while idle fails before any response: retry once.
      call = call.retryWhen(Retry.max(1).filter(e -> !exchange.responseStarted && e instanceof PrematureCloseException));
    }
    return call.onErrorResume(error -> {
      if (exchange.responseStarted) {
        // Headers are out: the only honest signal left is to cut the connection.
        LOG.warn("upstream {} failed mid-response after {} bytes ({}); closing the client connection",
            route.describeUpstream(), exchange.bytes, describe(error));
        response.withConnection(connection -> connection.channel().close());
        // Propagating the error also stops reactor-netty from finishing the response cleanly.
        return Mono.error(error);
      }
      return Mono.error(new ProxyException(upstreamError(error, route)));
    });
  }

  /**
   * One attempt. {@code serviceToken} is the token this proxy put on a peer's validation call, or
   * null; a 401 for it on the first attempt becomes {@link RefusedServiceToken}.
   */
  private Mono<Void> send(HttpServerRequest request, HttpServerResponse response, Route route, Exchange exchange,
      HttpHeaders upstreamHeaders, boolean hasBody, String serviceToken) {
    return client
        .request(request.method())
        .uri("http://" + route.upstream() + route.pathAndQuery())
        .send((upstreamRequest, out) -> {
          upstreamRequest.headers(upstreamHeaders);
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
          if (status == 401 && serviceToken != null && !exchange.serviceTokenRenewed) {
            exchange.serviceTokenRenewed = true;
            tokenExchange.tokens().refused(serviceToken);
            return body.then(Mono.error(new RefusedServiceToken()));
          }
          exchange.responseStarted = true;
          exchange.status = status;
          response.status(upstreamResponse.status());
          HttpHeaders headers = rules.downstreamResponse(upstreamResponse.responseHeaders());
          if (mustChunk(request, status, headers)) {
            // Explicit chunking: a body cut short then lacks its last chunk, and the client knows.
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
          }
          response.headers(headers);
          return response.send(body.retain().doOnNext(chunk -> exchange.bytes += chunk.readableBytes()));
        })
        .then();
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

  private ProxyError upstreamError(Throwable error, Route route) {
    Throwable cause = unwrap(error);
    String upstream = route.describeUpstream();
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

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  @Override
  public void close() {
    pool.disposeLater().block(Duration.ofSeconds(5));
  }
}
