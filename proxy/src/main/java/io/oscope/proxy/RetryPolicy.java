package io.oscope.proxy;

import io.netty.handler.codec.http.HttpMethod;
import io.oscope.http1.Http1Violation;
import io.oscope.upstream.ConnectionLimitReached;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Whether a request whose try failed goes to the pool again, and what the failure says of the
 * address. Pure: it sees what happened, never a connection.
 *
 * <p>A request is sent again only when the upstream cannot have acted on it: the connection never
 * opened, or it closed before a single response byte for a request that is safe to send twice
 * (idempotent, without a body; a pooled connection the server had closed meanwhile). Anything
 * the upstream answered, even an invalid answer, ends the request: it was received.
 */
final class RetryPolicy {
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD,
      HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

  private RetryPolicy() {}

  /** Whether sending {@code method} twice has the effect of sending it once (RFC 9110 section 9.2.2). */
  static boolean isIdempotent(HttpMethod method) {
    return IDEMPOTENT.contains(method);
  }

  /** What went wrong with one try. */
  enum Failure {
    /** The connection could not be opened: nothing was sent. */
    CONNECT(true),
    /** This machine ran out of file descriptors: nothing was sent, and the address is not to blame. */
    LOCAL(false),
    /** The address had {@code --max-upstream-connections} in use: nothing was sent. */
    LIMIT(false),
    /** Closed or reset before any response byte on a new connection. */
    CLOSED_EARLY(true),
    /** Closed or reset before any response byte on a pooled connection: perhaps only stale. */
    CLOSED_STALE(false),
    /** Closed or reset after part of the response. */
    CLOSED_MID_RESPONSE(true),
    /** The TLS handshake or record layer failed. */
    TLS(true),
    /** The bytes received are not a valid HTTP/1.x response. */
    INVALID_RESPONSE(true),
    /** No answer within the response timeout. */
    TIMEOUT(true),
    /** Anything else: a failure of this proxy rather than of the address. */
    OTHER(false);

    private final boolean addressFailure;

    Failure(boolean addressFailure) {
      this.addressFailure = addressFailure;
    }

    /**
     * Whether it counts against the address for passive health: the address did not work, as
     * opposed to this proxy's limits or a server closing an idle connection. A 5xx answer is
     * never one: the address answered.
     */
    boolean addressFailure() {
      return addressFailure;
    }

    /** What the balancer is told of {@code failure} of this kind: null unless the address is to blame. */
    String blame(Throwable failure) {
      return addressFailure ? ErrorMapper.describe(ErrorMapper.telling(failure)) : null;
    }

    /**
     * Classifies {@code cause}: a try whose connection had received {@code received} response
     * bytes and had served an exchange before if {@code reused}.
     */
    static Failure of(Throwable cause, long received, boolean reused) {
      Throwable telling = ErrorMapper.telling(cause);
      if (local(cause) || local(telling)) return LOCAL;
      if (telling instanceof ConnectionLimitReached) return LIMIT;
      if (telling instanceof ConnectException) return CONNECT;
      if (telling instanceof Http1Violation) return INVALID_RESPONSE;
      if (telling instanceof SSLException) return TLS;
      if (received > 0) return CLOSED_MID_RESPONSE;
      if (telling instanceof IOException) return reused ? CLOSED_STALE : CLOSED_EARLY;
      return OTHER;
    }

    /** EMFILE or ENFILE, in the words of the JDK and of Netty's native transport. */
    private static boolean local(Throwable cause) {
      String message = cause.getMessage();
      return message != null && message.contains("Too many open files");
    }
  }

  /** What to do after a failed try. */
  enum Decision {
    /** Answer the client with the failure. */
    GIVE_UP,
    /** Try the pool again, without the address tried. */
    RETRY,
    /** Try the pool again, the address included: its pooled connection was only stale. */
    RETRY_ANY
  }

  /**
   * What follows {@code failure} of a request with {@code method}, a body if {@code hasBody}, after
   * {@code tries} addresses tried of the {@code retries} + 1 allowed; {@code staleRetried} if a
   * stale connection was retried already (once is enough: the next is a new connection).
   */
  static Decision decide(Failure failure, HttpMethod method, boolean hasBody, int tries, int retries,
      boolean staleRetried) {
    if (tries > retries) return Decision.GIVE_UP;
    return switch (failure) {
      case CONNECT, LIMIT -> Decision.RETRY;
      case CLOSED_EARLY, CLOSED_STALE -> {
        if (hasBody || !IDEMPOTENT.contains(method)) yield Decision.GIVE_UP;
        yield staleRetried ? Decision.RETRY : Decision.RETRY_ANY;
      }
      case LOCAL, CLOSED_MID_RESPONSE, TLS, INVALID_RESPONSE, TIMEOUT, OTHER -> Decision.GIVE_UP;
    };
  }
}
