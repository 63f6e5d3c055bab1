package io.oscope.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.oscope.http1.Http1Violation;
import io.oscope.metrics.ProxyMetrics;
import io.oscope.upstream.ConnectionLimitReached;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become answers. A failure of a request is a {@link ProxyError}
 * ({@link #ofUpstream} for what an upstream did); this class decides its response (status and an
 * OpenStack-style body, {@code {"error": {"code": 400, "title": "Bad Request", "message": "…"}}}),
 * its metric label and what is logged. Nothing else formats error responses.
 */
final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorMapper() {}

  /** The upstream closed the connection before a complete response. */
  static final class ClosedBeforeResponse extends IOException {
    private static final long serialVersionUID = 1L;

    ClosedBeforeResponse() {
      super("connection closed before the response");
    }
  }

  /**
   * The error a request gets for {@code failure} of its upstream, named {@code upstream} in the
   * message ("CloudTwo proxy 10.0.0.2:8888").
   */
  static ProxyError ofUpstream(Throwable failure, String upstream, Duration connectTimeout) {
    Throwable cause = telling(failure);
    ProxyError error = upstreamError(cause, upstream, connectTimeout);
    if (error == null) {
      if (!(cause instanceof IOException)) LOG.warn("unexpected upstream failure for {}", upstream, cause);
      return new ProxyError.UpstreamUnavailable(upstream, describe(cause));
    }
    return error;
  }

  /** The error for {@code cause}, a most telling exception; null for an unknown failure. */
  private static ProxyError upstreamError(Throwable cause, String upstream, Duration connectTimeout) {
    if (cause instanceof ProxyException e) return e.error();
    if (cause instanceof ConnectionLimitReached e) return new ProxyError.UpstreamBusy(upstream, e.limit());
    if (cause instanceof Http1Violation e) return new ProxyError.UpstreamUnavailable(upstream, "invalid response: " + e.problem());
    if (cause instanceof ConnectTimeoutException) {
      return new ProxyError.UpstreamTimeout(upstream, "accept the connection", connectTimeout);
    }
    if (cause instanceof ConnectException) return new ProxyError.UpstreamRefused(upstream);
    if (cause instanceof ClosedBeforeResponse) {
      return new ProxyError.UpstreamUnavailable(upstream, "connection closed before the response");
    }
    return null;
  }

  /** The kind of {@code error}, for a span's {@code error.type}: {@code UpstreamTimeout}. */
  static String kind(ProxyError error) {
    return error.getClass().getSimpleName();
  }

  /** The kind of the error that {@code failure} of an upstream is: {@code UpstreamRefused}. */
  static String kind(Throwable failure) {
    ProxyError error = upstreamError(telling(failure), "-", Duration.ZERO);
    return error == null ? "UpstreamUnavailable" : kind(error);
  }

  /** The most telling exception in a chain: TLS and codecs wrap the one that matters. */
  static Throwable telling(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof ProxyException || cause instanceof Http1Violation || cause instanceof ConnectException
          || cause instanceof ClosedBeforeResponse || cause instanceof SSLException) {
        return cause;
      }
    }
    return error;
  }

  /** A failure in a few words for logs and messages: its class and message, never a header's value. */
  static String describe(Throwable error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /**
   * The whole response for {@code error}: status line, headers ({@code Via}, and {@code Connection:
   * close} if {@code close}) and its {@link #body}.
   */
  static ByteBuf response(ProxyError error, byte[] body, ByteBufAllocator allocator, String viaEntry, boolean close) {
    String head = "HTTP/1.1 " + error.status() + " " + title(error.status())
        + "\r\ncontent-type: application/json\r\ncontent-length: " + body.length
        + "\r\nvia: " + viaEntry + (close ? "\r\nconnection: close" : "") + "\r\n\r\n";
    ByteBuf response = allocator.buffer(head.length() + body.length);
    response.writeCharSequence(head, StandardCharsets.ISO_8859_1);
    return response.writeBytes(body);
  }

  /** The JSON body for {@code error}. */
  static byte[] body(ProxyError error) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode body = root.putObject("error");
    body.put("code", error.status());
    body.put("title", title(error.status()));
    body.put("message", error.message());
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The status's reason phrase; Netty has none for 508. */
  static String title(int status) {
    return status == 508 ? "Loop Detected" : HttpResponseStatus.valueOf(status).reasonPhrase();
  }

  /** Counts {@code error} in its metric, if it has one: scope errors and upstream failures. */
  static void count(ProxyError error, ProxyMetrics metrics) {
    if (error instanceof ProxyError.MalformedScope) metrics.scopeError("malformed_scope");
    else if (error instanceof ProxyError.UnknownCloud) metrics.scopeError("unknown_cloud");
    else if (error instanceof ProxyError.ServiceNotInCloud) metrics.scopeError("service_not_in_cloud");
    else if (error instanceof ProxyError.UnsupportedExpression) metrics.scopeError("unsupported_expression");
    else if (error instanceof ProxyError.ReplicatedWrite) metrics.scopeError("replicated_write");
    else if (error instanceof ProxyError.UpstreamUnavailable) metrics.upstreamError("unavailable");
    else if (error instanceof ProxyError.UpstreamRefused) metrics.upstreamError("refused");
    else if (error instanceof ProxyError.UpstreamTimeout) metrics.upstreamError("timeout");
    else if (error instanceof ProxyError.NoHealthyUpstream) metrics.upstreamError("all_down");
    else if (error instanceof ProxyError.UpstreamBusy) metrics.upstreamError("busy");
    else if (error instanceof ProxyError.ProjectInMaintenance) metrics.tenantRefusal("maintenance");
    else if (error instanceof ProxyError.TenantUnknown) metrics.tenantRefusal("unavailable");
    else if (error instanceof ProxyError.RoleRequired) metrics.tenantRefusal("role");
    else if (error instanceof ProxyError.CloudNotAllowed) metrics.tenantRefusal("cloud");
  }
}
